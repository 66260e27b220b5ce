import type { HelpEntry } from './views.js';

/** Every command a member can type, in the order a new member needs them. A test checks it against the registry. */
export const HELP: HelpEntry[] = [
  { usage: '/passage search', what: 'Ranked passages that match your words, with typos and word forms allowed. Pick one to read it whole.', example: '/passage search query:CSTO troops' },
  { usage: '/passage show', what: "A passage or range of paragraphs, with previous and next buttons; under it, the group's history with it and a History button.", example: '/passage show ref:former-kazakhstan:2' },
  { usage: '/articles', what: 'The articles the group studies: kind, source, length and reading time.', example: '/articles' },
  { usage: '/quote', what: 'A short quote with a discussion prompt, like the daily post.', example: '/quote article:why-putin-interferes' },
  { usage: '/daily set', what: 'Schedule the daily quote for this server (Manage Server).', example: '/daily set channel:#study time:09:00 timezone:Asia/Almaty days:weekdays' },
  { usage: '/daily status · preview · now · off', what: 'See the schedule and the last post, preview the next one, post at once, or stop.', example: '/daily status' },
  { usage: '/plan start · skip · stop', what: 'A reading plan: the daily post walks an article in order, a few paragraphs a day (Manage Server).', example: '/plan start article:former-kazakhstan per_day:2' },
  { usage: '/plan status', what: "Where the reading plan is and the next day's reading.", example: '/plan status' },
  { usage: '/recap show', what: 'What the group did in the last days (7 unless you say, up to 31): the passages posted with their threads and replies, poll outcomes, the most-noted passages and the reading plan.', example: '/recap show days:14' },
  { usage: '/recap schedule · off', what: "Post the last week's recap every week in the daily post's channel, at a weekday and time in its timezone, or stop it (Manage Server).", example: '/recap schedule day:Sunday time:18:00' },
  { usage: '/poll create', what: 'A quick poll with up to 10 answers separated by |.', example: "/poll create question:Is the author's claim supported? options:Yes | No | Partly duration:10m" },
  { usage: '/poll passage · close', what: 'Agree / disagree / unsure on a passage; close a poll early.', example: '/poll passage ref:why-putin-interferes:5 duration:15m' },
  { usage: '/note add · list', what: "Add a note (up to 1,000 characters) to a passage or range for the whole server to read; list a passage's notes.", example: '/note add ref:former-kazakhstan:2 text:Compare with the 1995 constitution.' },
  { usage: '/note remove', what: 'Remove a note by its id: its author, or anyone with Manage Messages.', example: '/note remove id:#k3x9q2' },
  { usage: '/settings show · set · reset', what: 'Server settings: public replies, results per page, prompt style, cooldown; `set` and `reset` need Manage Server.', example: '/settings set results_per_page:8' },
  { usage: '/spelling list · add · remove', what: 'Other spellings search treats as one (Almaty / Alma-Ata); `add` and `remove` need Manage Server.', example: '/spelling add form:Almaty other:Alma-Ata' },
  { usage: '/library add · remove', what: "Add this server's own article from a .txt or .md file (a .txt's first line is its title), or remove one (Manage Server).", example: '/library add file:reading-slowly.txt kind:essay' },
  { usage: '/library export', what: 'Get an added article back as the file it was added from.', example: '/library export article:reading-slowly' },
  { usage: '/prompt suggest · list', what: "This server's own discussion prompts: suggest one for review, or see them.", example: '/prompt suggest text:Which claim here could be checked, and how? ref:former-kazakhstan:2' },
  { usage: '/prompt add · review · remove', what: 'Add a prompt at once, approve or reject suggestions, or take one out (Manage Server).', example: '/prompt add text:What would the author say to a critic of this passage?' },
  { usage: 'Apps → Find in articles', what: 'Right-click (or long-press) a message to find passages about what it says.', example: 'Apps → Find in articles' },
  { usage: '/help', what: 'This list.', example: '/help' },
];
