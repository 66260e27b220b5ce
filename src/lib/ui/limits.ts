/** Discord's documented message limits (SPEC.md section 4). */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
  autocompleteChoices: 25,
  choiceText: 100,
  customId: 100,
  selectOptions: 25,
  selectText: 100,
  buttonLabel: 80,
} as const;

/** Cuts text to `max` characters at a word boundary where one is near, ending with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}

/** A piece of what the user typed, short and safe to show inside a `code span`. */
export function quoteInput(text: string, max = 60): string {
  // Quoted in a one-line refusal: line breaks and runs of spaces would break the line.
  return truncate(text.replace(/`/g, "'").replace(/\s+/g, ' ').trim(), max) || '(blank)';
}
