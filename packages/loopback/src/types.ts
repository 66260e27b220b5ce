// The records the loopback world keeps. API shapes are made from them in render.ts.
import type {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  InteractionResponseType,
  InteractionType,
  MessageType,
  OverwriteType,
} from 'discord-api-types/v10';

export interface UserRecord {
  id: string;
  username: string;
  bot: boolean;
}

export interface RoleRecord {
  id: string;
  guildId: string;
  name: string;
  permissions: bigint;
  position: number;
  mentionable: boolean;
  /** A role that belongs to a bot integration (the bot's own role). */
  managed: boolean;
}

export interface MemberRecord {
  userId: string;
  roleIds: string[];
  joinedAt: string;
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  /** In position order; the first is @everyone, whose id is the guild's. */
  roles: RoleRecord[];
  members: Map<string, MemberRecord>;
  /** The member count Discord reports when the world holds fewer members than the server has. */
  memberCount?: number;
  createdAt: string;
}

export interface Overwrite {
  id: string;
  type: OverwriteType;
  allow: bigint;
  deny: bigint;
}

export interface ChannelRecord {
  id: string;
  guildId: string;
  /** A guild channel type (text, announcement, voice, stage, category, forum); PublicThread or PrivateThread for threads. */
  type: ChannelType;
  name: string;
  position: number;
  parentId: string | null;
  overwrites: Overwrite[];
  topic: string | null;
  lastMessageId: string | null;
  thread: ThreadState | null;
}

interface ThreadState {
  ownerId: string;
  archived: boolean;
  locked: boolean;
  autoArchiveDuration: number;
  createdAt: string;
  messageCount: number;
}

export interface Pings {
  everyone: boolean;
  roles: string[];
  users: string[];
}

export interface AllowedMentions {
  parse?: Array<'users' | 'roles' | 'everyone'>;
  users?: string[];
  roles?: string[];
  replied_user?: boolean;
}

export interface Attachment {
  id: string;
  filename: string;
  size: number;
  contentType: string | null;
  description: string | null;
  /** The file's bytes as sent: a test compares them with what it expects. */
  bytes: Uint8Array;
}

/** A file a member attached to a slash command's attachment option, served over the loopback's HTTP server. */
export interface UploadRecord {
  id: string;
  channelId: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
  /** How many times the bot (or anyone) fetched it. */
  downloads: number;
}

/** What a message looked like before an edit. */
interface MessageVersion {
  content: string;
  embeds: unknown[];
  components: unknown[];
  flags: number;
  at: string;
}

export interface MessageRecord {
  id: string;
  channelId: string;
  guildId: string | null;
  authorId: string;
  /** Default, Reply, ChatInputCommand or ContextMenuCommand. */
  type: MessageType;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: Attachment[];
  flags: number;
  ephemeral: boolean;
  /** Set while a deferred reply shows "thinking". */
  loading: boolean;
  allowedMentions: AllowedMentions | undefined;
  pings: Pings;
  /** The interaction this message answers (original or follow-up), if any. */
  interactionId: string | null;
  /** The message this one replies to. */
  reference: { messageId: string; channelId: string } | null;
  threadId: string | null;
  createdAt: string;
  editedAt: string | null;
  edits: number;
  history: MessageVersion[];
}

export interface CommandOption {
  type: ApplicationCommandOptionType;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: Array<{ name: string; value: string | number }>;
  options?: CommandOption[];
  channel_types?: ChannelType[];
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  [key: string]: unknown;
}

export interface CommandRecord {
  id: string;
  applicationId: string;
  guildId: string | null;
  type: ApplicationCommandType;
  name: string;
  description: string;
  options: CommandOption[];
  defaultMemberPermissions: string | null;
  version: string;
  /** Everything else the bot sent (contexts, integration_types, localizations, nsfw). */
  extra: Record<string, unknown>;
}

export interface InteractionCallback {
  type: InteractionResponseType;
  data: Record<string, unknown> | undefined;
  at: number;
}

export interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  guildId: string;
  channelId: string;
  userId: string;
  payload: Record<string, unknown>;
  createdAt: number;
  callbacks: InteractionCallback[];
  /** The message @original points at: the reply, or for components the clicked message. */
  originalId: string | null;
  /** For component interactions: the message the component was on. */
  sourceMessageId: string | null;
  /** For modal submits: the interaction the bot answered with the modal. */
  triggeringId: string | null;
  followUpIds: string[];
  /** Callbacks and webhook requests for this interaction that were refused, with Discord's error body. */
  refusals: Array<{ method: string; path: string; error: unknown }>;
}

/**
 * What rendering and the permission checks look up in the world. The World implements it;
 * render.ts depends on this interface rather than on world.ts, which renders its own events.
 */
export interface Lookup {
  readonly bot: UserRecord;
  readonly application: { readonly id: string };
  readonly channelsById: ReadonlyMap<string, ChannelRecord>;
  readonly interactionsById: ReadonlyMap<string, InteractionRecord>;
  user(id: string): UserRecord | undefined;
  channel(id: string): ChannelRecord | undefined;
}
