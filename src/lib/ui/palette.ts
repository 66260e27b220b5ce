/** One palette so every reply of the bot looks like it comes from the same place. */
export const COLOURS = {
  passage: 0x5b7fa6,
  search: 0x6a8f5b,
  info: 0x8a7a5b,
  warning: 0xc28a2e,
  daily: 0x9b6a8f,
  pollOpen: 0x5865f2,
  pollClosed: 0x57f287,
} as const;
