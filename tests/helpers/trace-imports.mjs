// Loaded with `node --import` to record every module a process resolves, one URL a line, in the file
// named by CUTROOM_TRACE_IMPORTS: tests use it to check what a command loads before it answers.
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(`
import { appendFileSync } from "node:fs";
const file = process.env.CUTROOM_TRACE_IMPORTS;
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (file) appendFileSync(file, result.url + "\\n");
  return result;
}`),
);
