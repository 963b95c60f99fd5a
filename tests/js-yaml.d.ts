/** The part of js-yaml (installed with eslint; it ships no types) the compose file test uses. */
declare module "js-yaml" {
  export function load(text: string): unknown;
}
