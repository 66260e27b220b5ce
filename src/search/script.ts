/**
 * Whether a query is written in another alphabet than the articles' (they are in English):
 * it has letters and none of them Latin, like `Казахстан`. Search finds nothing for it,
 * and the member is told why instead of a bare "nothing matches".
 */
export function inOtherScript(query: string): boolean {
  return /\p{L}/u.test(query) && !/\p{Script=Latin}/u.test(query);
}
