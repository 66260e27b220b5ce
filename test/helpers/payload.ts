import type { ApplicationCommandOptionChoiceData, BaseMessageOptions } from 'discord.js';
import { expect } from 'vitest';
import { checkAutocomplete, checkMessage } from '@marginalia/loopback';

type Json = Record<string, unknown>;

/** The JSON body discord.js would send for a payload built by src/lib. */
export function toBody(payload: BaseMessageOptions): Json {
  const encode = (value: unknown) => (value && typeof value === 'object' && 'toJSON' in value ? (value as { toJSON(): unknown }).toJSON() : value);
  return {
    content: payload.content,
    embeds: payload.embeds?.map(encode),
    components: payload.components?.map(encode),
  } as Json;
}

/** Asserts a payload is inside Discord's limits (the same checks the loopback server makes) and returns its body. */
export function expectWithinLimits(payload: BaseMessageOptions): Json & { embeds?: Json[]; components?: Json[] } {
  const body = toBody(payload);
  expect(checkMessage(body)).toEqual([]);
  return body as Json & { embeds?: Json[]; components?: Json[] };
}

export function expectChoicesWithinLimits(choices: ApplicationCommandOptionChoiceData[]): void {
  expect(checkAutocomplete({ choices })).toEqual([]);
}

/** Every text of an embed body in one string, for content assertions. */
export function embedText(body: { embeds?: Json[] }): string {
  return JSON.stringify(body.embeds ?? []);
}
