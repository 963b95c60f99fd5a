/** The canvas a drawn figure is laid out on: shared by the figure and the mouth drawn on it. */
export interface FigureSize {
  /** Canvas of the figure in pixels; feet touch the bottom edge. */
  width: number;
  height: number;
  /** Figure height in pixels. */
  bodyHeight: number;
  bodyWidth: number;
}
