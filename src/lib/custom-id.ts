/** Discord refuses a component whose custom id is longer than this. */
export const CUSTOM_ID_MAX = 100;

/**
 * One kind of custom id, `<command>:<action>:<fields>`, with its encoder and decoder
 * side by side so they cannot drift apart. The dispatcher routes a component by the
 * `<command>` part; the command's handler decodes the rest.
 */
export interface CustomId<T> {
  /** `<command>:<action>`, e.g. `passage:nav`. */
  readonly route: string;
  encode(value: T): string;
  /** The value, or undefined for an id of another kind, an older version or a forgery. */
  decode(customId: string): T | undefined;
}

export function customId<T>(route: string, fields: { encode(value: T): string; decode(rest: string): T | undefined }): CustomId<T> {
  const prefix = `${route}:`;
  return {
    route,
    encode(value) {
      const id = prefix + fields.encode(value);
      // A programming error, not a member's: the view would be refused by Discord.
      if (id.length > CUSTOM_ID_MAX) throw new RangeError(`custom id longer than ${CUSTOM_ID_MAX} characters: ${id}`);
      return id;
    },
    decode(id) {
      return id.startsWith(prefix) ? fields.decode(id.slice(prefix.length)) : undefined;
    },
  };
}

/** The command a custom id belongs to (its first part), for the dispatcher. */
export function commandOf(customId: string): string {
  return customId.split(':', 1)[0]!;
}
