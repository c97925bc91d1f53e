import type { Transcript } from '../api/types';

/** How many speaker colours the stylesheet defines (`.speaker-0` … `.speaker-7`); more speakers reuse them. */
const COLOURS = 8;

/**
 * The colour index of each speaker: in the order of the result's `speakers` list (order of first
 * appearance), so a rename keeps the colour; speakers only found on segments come after.
 */
export function speakerColours(result: Transcript): Map<string, number> {
  const colours = new Map<string, number>();
  const add = (speaker: string | undefined) => {
    if (speaker && !colours.has(speaker)) colours.set(speaker, colours.size % COLOURS);
  };
  for (const { speaker } of result.speakers ?? []) add(speaker);
  for (const segment of result.segments) add(segment.speaker);
  return colours;
}
