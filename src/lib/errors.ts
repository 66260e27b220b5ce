/** An error whose message is safe and useful to show to the person who caused it. */
export class UserError extends Error {
  override name = 'UserError';
}

/** A button or menu no handler of this version knows: an old message, another bot's id, or a forgery. */
export const UNKNOWN_COMPONENT = 'This button is from an older version of Marginalia or does not belong to it: run the command again.';
