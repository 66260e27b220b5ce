import { customId } from '../../lib/custom-id.js';

// An article id is a slug of at most 60 characters (src/library/corpus.ts).
const ARTICLE = /^[a-z0-9][a-z0-9-]{0,59}$/;
const SHORT_SNOWFLAKE = /^[0-9a-z]{1,13}$/;

// Snowflakes in base 36 (13 characters at most instead of 20): a server, a member and a
// 60-character article id then fit in Discord's 100 characters.
const short = (snowflake: string) => BigInt(snowflake).toString(36);
function long(base36: string): string {
  let value = 0n;
  for (const digit of base36) value = value * 36n + BigInt(Number.parseInt(digit, 36));
  return value.toString();
}

/** "Remove" under `/library remove`: the article, for the server and the member who asked, and no one else. */
export const removeId = customId<{ guildId: string; userId: string; articleId: string }>('library:rm', {
  encode: ({ guildId, userId, articleId }) => `${short(guildId)}:${short(userId)}:${articleId}`,
  decode(rest) {
    const [guild = '', user = '', articleId = '', ...more] = rest.split(':');
    if (more.length > 0 || !SHORT_SNOWFLAKE.test(guild) || !SHORT_SNOWFLAKE.test(user) || !ARTICLE.test(articleId)) return undefined;
    return { guildId: long(guild), userId: long(user), articleId };
  },
});
