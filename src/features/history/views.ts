import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, escapeMarkdown, userMention, type BaseMessageOptions } from 'discord.js';
import { formatRef } from '../../library/references.js';
import type { CustomId } from '../../lib/custom-id.js';
import { COLOURS } from '../../lib/ui/palette.js';
import { LIMITS, truncate } from '../../lib/ui/limits.js';
import { dayOf, type Entry, type EntryLinks } from './entry.js';
import { historyPageId, notesPageId, type HistoryPageRef } from './ids.js';
import type { HistorySummary } from './service.js';

/** At most this many entries a page; fewer when long ones fill the description first. */
const HISTORY_PER_PAGE = 6;
const NOTES_PER_PAGE = 8;
/** Between two entries of a page. */
const GAP = '\n\n';

/** Nothing from members pings, whatever it contains (embeds do not ping; content would). */
const NO_PINGS = { allowedMentions: { parse: [] } } as const;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How text from members (notes, poll answers) is put in a view. */
type Show = (text: string) => string;
/** On one line: slash options have none, but an altered client may send them. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
/** As shown: on one line, Markdown escaped. */
const show: Show = (text) => escapeMarkdown(oneLine(text));
/**
 * A stand-in as long as escaping can make the text (a backslash before each character it may
 * escape), cheap enough to measure every entry of a long history for its pages: escaping is slow.
 */
const longest: Show = (text) => {
  const line = oneLine(text);
  return line + line.replace(/[^`*_~|\\#.[-]/g, '');
};

/** A poll's counts, e.g. `6 agree, 2 disagree, 1 unsure`: answers nobody chose are left out. */
function pollCounts(poll: NonNullable<Entry['poll']>, member: Show = show): string {
  const counted = poll.options.map((option, i) => ({ option, count: poll.counts[i] ?? 0 })).filter(({ count }) => count > 0);
  return counted.map(({ option, count }) => `${count} ${member(option.toLowerCase())}`).join(', ');
}

/**
 * "Discussed 3 times, last on 2026-11-30 · poll: 6 agree, 2 disagree, 1 unsure · 4 notes": the parts
 * that are not zero; undefined when there is no history at all.
 */
export function historyLine(summary: HistorySummary): string | undefined {
  const parts: string[] = [];
  if (summary.discussed > 0) {
    const last = summary.lastDiscussed === undefined ? '' : `, last on ${summary.lastDiscussed}`;
    parts.push(`Discussed ${summary.discussed === 1 ? 'once' : `${summary.discussed} times`}${last}`);
  }
  if (summary.poll && summary.poll.voters > 0) parts.push(`poll: ${pollCounts(summary.poll)}`);
  if (summary.notes > 0) parts.push(plural(summary.notes, 'note'));
  return parts.length > 0 ? parts.join(' · ') : undefined;
}

/** The history of a passage or range as a member asked for it: every entry (newest first) and the page to show. */
export interface Listing extends HistoryPageRef {
  /** The article's title, as the library has it now. */
  title: string;
  entries: Entry[];
}

/** The page of a listing to show: its entries, and how many pages there are. */
export interface ListingPage extends Listing {
  pages: number;
  shown: Entry[];
}

const linkText = (link: EntryLinks['message'], name: string) => (link ? (link.deleted ? `${name} deleted` : `[${name}](${link.url})`) : undefined);

/** One entry of the History list: when, what, where (links, or that they were deleted), and what it said. */
function entryText(entry: Entry, links: EntryLinks = {}, member: Show = show): string {
  const ref = `\`${entry.ref}\``;
  const when = `**${dayOf(entry)}**`;
  if (entry.kind === 'note') return noteText(entry, true, member);
  const where = [linkText(links.message, 'message'), linkText(links.thread, 'thread')].filter(Boolean);
  const replies = links.thread && !links.thread.deleted && links.thread.messageCount !== undefined ? ` (${plural(links.thread.messageCount, 'reply', 'replies')})` : '';
  if (entry.kind === 'poll') {
    const poll = entry.poll;
    const result = !poll ? '' : poll.closed ? ` · ${poll.voters > 0 ? `${pollCounts(poll, member)} (${plural(poll.voters, 'voter')})` : 'no votes'}` : ' · open';
    return [`${when} · Poll on ${ref}${result}`, ...where].join(' · ');
  }
  const what = entry.kind === 'plan' ? 'Reading plan post' : 'Daily post';
  const head = [`${when} · ${what} on ${ref}`, ...where].join(' · ') + replies;
  return entry.prompt ? `${head}\n${member(entry.prompt)}` : head;
}

/** A note: its id, author (a mention that pings nobody), date, reference and text. */
function noteText(entry: Entry, withRef: boolean, member: Show = show): string {
  const id = entry.id.slice('note:'.length);
  const author = entry.note ? ` by ${userMention(entry.note.authorId)}` : '';
  const on = withRef ? ` on \`${entry.ref}\`` : '';
  return `**${dayOf(entry)}** · note \`#${id}\`${author}${on}\n> ${member(entry.note?.text ?? '')}`;
}

/**
 * Splits entries into pages that fit an embed's description: each entry cut to fit one alone,
 * then as many as fit, at most `perPage`. Entries are measured with their links shown, the
 * longest way, so that a page checked later (a deleted message shown as text) still fits.
 */
function paginate(texts: string[], perPage: number): number[][] {
  const pages: number[][] = [];
  let current: number[] = [];
  let used = 0;
  texts.forEach((text, i) => {
    const size = Math.min(text.length, LIMITS.embedDescription);
    if (current.length > 0 && (current.length >= perPage || used + GAP.length + size > LIMITS.embedDescription)) {
      pages.push(current);
      current = [];
    }
    used = current.length > 0 ? used + GAP.length + size : size;
    current.push(i);
  });
  if (current.length > 0) pages.push(current);
  return pages;
}

function pageOf(listing: Listing, texts: string[], perPage: number): ListingPage {
  const pages = paginate(texts, perPage);
  const page = Math.min(Math.max(listing.page, 1), Math.max(pages.length, 1));
  const shown = (pages[page - 1] ?? []).map((i) => listing.entries[i]!);
  return { ...listing, page, pages: Math.max(pages.length, 1), shown };
}

/** Every recorded message and thread shown as a link, with the longest reply count: the longest an entry's text can be. */
function unchecked(listing: Listing, entry: Entry): EntryLinks {
  const url = (...ids: string[]) => ({ url: `https://discord.com/channels/${[listing.guildId, ...ids].join('/')}`, deleted: false });
  return {
    ...(entry.channelId && entry.messageId && { message: url(entry.channelId, entry.messageId) }),
    ...(entry.threadId && { thread: { ...url(entry.threadId), messageCount: Number.MAX_SAFE_INTEGER } }),
  };
}

/** The page of a passage's history to show; check its entries' links, then pass them to `historyView`. */
export function historyPage(listing: Listing): ListingPage {
  return pageOf(
    listing,
    listing.entries.map((entry) => entryText(entry, unchecked(listing, entry), longest)),
    HISTORY_PER_PAGE,
  );
}

/** The notes of a passage, a page of them. */
export function notesPage(listing: Listing): ListingPage {
  return pageOf(
    listing,
    listing.entries.map((entry) => noteText(entry, entry.ref !== formatRef(listing.articleId, listing.from, listing.to), longest)),
    NOTES_PER_PAGE,
  );
}

function pageButtons(codec: CustomId<HistoryPageRef>, page: ListingPage): ActionRowBuilder<ButtonBuilder>[] {
  if (page.pages <= 1) return [];
  const to = (n: number) => codec.encode({ guildId: page.guildId, articleId: page.articleId, from: page.from, to: page.to, page: n });
  return [
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder().setCustomId(to(page.page - 1)).setLabel('Newer').setEmoji('◀️').setStyle(ButtonStyle.Secondary).setDisabled(page.page <= 1),
      new ButtonBuilder().setCustomId(to(page.page + 1)).setLabel('Older').setEmoji('▶️').setStyle(ButtonStyle.Secondary).setDisabled(page.page >= page.pages),
    ),
  ];
}

function listingView(page: ListingPage, heading: string, texts: string[], empty: string, codec: CustomId<HistoryPageRef>): BaseMessageOptions {
  const ref = formatRef(page.articleId, page.from, page.to);
  const count = page.entries.length;
  const embed = new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle(truncate(`${heading} ${ref} · ${page.title}`, LIMITS.embedTitle))
    .setDescription(texts.length > 0 ? texts.map((text) => truncate(text, LIMITS.embedDescription)).join(GAP) : empty)
    .setFooter({ text: `Page ${page.page} of ${page.pages} · ${count} in all · newest first` });
  return { embeds: [embed], components: pageButtons(codec, page), ...NO_PINGS };
}

/** The History list: posts with their (checked) links, polls and notes; `links` is one per shown entry. */
export function historyView(page: ListingPage, links: EntryLinks[]): BaseMessageOptions {
  const ref = formatRef(page.articleId, page.from, page.to);
  const texts = page.shown.map((entry, i) => entryText(entry, links[i]));
  return listingView(page, 'History of', texts, `Nothing has happened to \`${ref}\` yet: no daily post, poll or note.`, historyPageId);
}

/** `/note list`: a page of a passage's notes. */
export function notesView(page: ListingPage): BaseMessageOptions {
  const ref = formatRef(page.articleId, page.from, page.to);
  // A note on another span than the one listed (a range's note under one paragraph) says which.
  const texts = page.shown.map((entry) => noteText(entry, entry.ref !== ref));
  return listingView(page, 'Notes on', texts, `No notes on \`${ref}\` yet: add one with \`/note add\`.`, notesPageId);
}

/** The private confirmation of `/note add`: the note as others will see it, and how to remove it. */
export function noteAddedReply(entry: Entry): BaseMessageOptions {
  const id = entry.id.slice('note:'.length);
  const embed = new EmbedBuilder()
    .setColor(COLOURS.passage)
    .setTitle(truncate(`Note added to ${entry.ref} · ${entry.title}`, LIMITS.embedTitle))
    .setDescription(truncate(noteText(entry, false), LIMITS.embedDescription))
    .setFooter({ text: `/note list ref:${entry.ref} shows the notes; /note remove id:${id} takes this one out.` });
  return { embeds: [embed], ...NO_PINGS };
}

/** The private confirmation of `/note remove`. */
export function noteRemovedReply(entry: Entry): BaseMessageOptions {
  return { content: `Removed note \`#${entry.id.slice('note:'.length)}\` from \`${entry.ref}\`.`, ...NO_PINGS };
}
