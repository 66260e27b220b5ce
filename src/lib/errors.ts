/** An error whose message is safe and useful to show to the person who caused it. */
export class UserError extends Error {
  override name = 'UserError';
}
