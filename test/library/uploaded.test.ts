import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/lib/errors.js';
import { decodeUpload, parseUpload, UPLOAD_MAX_BYTES, type UploadInput } from '../../src/library/uploaded.js';

const md = '---\nid: field-notes\ntitle: Field notes\nkind: essay\nsource: a notebook\n---\n\nFirst  paragraph, kept as   typed.\n\nSecond one,\nover two lines.\n';
const txt = 'On reading slowly\n\nRead a page.  Then read it again.\n\n\nThe second paragraph.\r\n\r\nThe third.\n';

function refusal(input: UploadInput): string {
  try {
    parseUpload(input);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('parseUpload', () => {
  it('GIVEN a .md file in the corpus format THEN its front matter and verbatim paragraphs make the article', () => {
    const article = parseUpload({ filename: 'notes.md', text: md });
    expect(article).toMatchObject({ id: 'field-notes', title: 'Field notes', kind: 'essay', source: 'a notebook' });
    expect(article.paragraphs.map((p) => [p.ref, p.text])).toEqual([
      ['field-notes:1', 'First  paragraph, kept as   typed.'],
      ['field-notes:2', 'Second one,\nover two lines.'],
    ]);
  });

  it('GIVEN a .md file and options THEN the options win over its front matter', () => {
    const article = parseUpload({ filename: 'notes.md', text: md, id: 'my-notes', title: 'Mine', kind: 'diary', source: 'me' });
    expect(article).toMatchObject({ id: 'my-notes', title: 'Mine', kind: 'diary', source: 'me' });
    expect(article.paragraphs[0]!.ref).toBe('my-notes:1');
  });

  it('GIVEN a .txt file THEN the first line is the title, the id comes from the file name, paragraphs split on blank lines', () => {
    const article = parseUpload({ filename: 'Reading_Slowly.TXT', text: txt });
    expect(article).toMatchObject({ id: 'reading-slowly', title: 'On reading slowly', kind: 'text' });
    expect(article.source).toBeUndefined();
    expect(article.paragraphs.map((p) => p.text)).toEqual(['Read a page.  Then read it again.', 'The second paragraph.', 'The third.']);
  });

  it('GIVEN a .txt file with a title option THEN its first line is the first paragraph', () => {
    const article = parseUpload({ filename: 'slow.txt', text: txt, title: 'Slowly', id: 'slow-reading', kind: 'column', source: 'a blog' });
    expect(article).toMatchObject({ id: 'slow-reading', title: 'Slowly', kind: 'column', source: 'a blog' });
    expect(article.paragraphs[0]!.text).toBe('On reading slowly');
    expect(article.paragraphs).toHaveLength(4);
  });

  it('GIVEN a file with a byte-order mark THEN the mark is not in the title or the text', () => {
    const article = parseUpload({ filename: 'bom.txt', text: `\uFEFF${txt}` });
    expect(article.title).toBe('On reading slowly');
    expect(parseUpload({ filename: 'bom.md', text: `\uFEFF${md}` }).id).toBe('field-notes');
  });

  it('GIVEN a file name with no letters or digits THEN the id comes from the title', () => {
    expect(parseUpload({ filename: '___.txt', text: 'Ça va, Zoë?\n\nText.' }).id).toBe('ca-va-zoe');
  });

  it.each([
    ['another kind of file', { filename: 'notes.pdf', text: txt }, '`notes.pdf` is neither a `.md` nor a `.txt` file'],
    ['an empty file', { filename: 'empty.txt', text: ' \n\n \t\n' }, '`empty.txt` is empty'],
    ['a byte-order mark alone', { filename: 'bom.md', text: '\uFEFF' }, '`bom.md` is empty'],
    ['NUL bytes', { filename: 'x.txt', text: 'Title\n\nab\0cd' }, '`x.txt` holds binary data (NUL bytes)'],
    ['over 1 MB', { filename: 'big.txt', text: `Big\n\n${'a'.repeat(UPLOAD_MAX_BYTES)}` }, '`big.txt` is over 1 MB'],
    ['over 1 MB in UTF-8 bytes though not in characters', { filename: 'big.txt', text: 'é'.repeat(UPLOAD_MAX_BYTES / 2 + 1) }, 'is over 1 MB'],
    ['over 2,000 paragraphs', { filename: 'many.txt', text: `Many\n\n${'p\n\n'.repeat(2001)}` }, '`many.txt` has 2001 paragraphs, more than 2000'],
    ['no front matter', { filename: 'x.md', text: 'Just text.\n' }, '`x.md` cannot be added: no front matter'],
    ['front matter that is not YAML', { filename: 'x.md', text: '---\nid: [x\n---\n\nText.\n' }, '`x.md` cannot be added: front matter is not valid YAML'],
    ['a front-matter field missing', { filename: 'x.md', text: '---\nid: x\ntitle: X\n---\n\nText.\n' }, '`x.md` cannot be added: front matter field "kind" is missing.'],
    ['an unknown front-matter field', { filename: 'x.md', text: '---\nid: x\ntitle: X\nkind: k\nauthor: me\n---\n\nText.\n' }, '`x.md` cannot be added: front matter'],
    ['a bad id in front matter', { filename: 'x.md', text: '---\nid: My Article\ntitle: X\nkind: k\n---\n\nText.\n' }, 'front matter field "id" should be a lowercase slug'],
    ['front matter and no text', { filename: 'x.md', text: '---\nid: x\ntitle: X\nkind: k\n---\n' }, '`x.md` cannot be added: the article has no paragraphs.'],
    ['a title line and no text', { filename: 'x.txt', text: 'Only a title\n' }, '`x.txt` cannot be added: the article has no paragraphs.'],
    ['a bad id option', { filename: 'x.txt', text: txt, id: 'Not A Slug' }, '`id` should be a lowercase slug like "my-article".'],
    ['an id option too long', { filename: 'x.txt', text: txt, id: 'a'.repeat(61) }, '`id` must be at most 60 characters long.'],
    ['a blank title option', { filename: 'x.txt', text: txt, title: '   ' }, '`title` must be at least 1 characters long.'],
    ['a first line too long for a title', { filename: 'x.txt', text: `${'word '.repeat(50)}\n\nText.` }, 'The first line of `x.txt` cannot be the title'],
    ['a name that makes no id', { filename: '....txt', text: '!!!\n\nText.' }, 'No article id can be made from `....txt`'],
  ])('GIVEN %s THEN it is refused with one sentence naming the problem', (_, input, expected) => {
    const message = refusal(input);
    expect(message).toContain(expected);
    expect(message.split(/[.:?!] (?=[A-Z])/)).toHaveLength(1);
  });
});

describe('decodeUpload', () => {
  it('GIVEN UTF-8 bytes with a byte-order mark THEN the text keeps the mark, so that it encodes to the same bytes', () => {
    const bytes = Buffer.from('\uFEFFTitle\n\nÀ bientôt.\n', 'utf8');
    expect(Buffer.from(decodeUpload('x.txt', bytes), 'utf8').equals(bytes)).toBe(true);
  });

  it('GIVEN bytes that are not UTF-8 THEN one sentence says so', () => {
    expect(() => decodeUpload('latin.txt', Buffer.from([0x54, 0x69, 0x74, 0xe9, 0x0a]))).toThrow(new UserError('`latin.txt` is not UTF-8 text: save it as UTF-8 (plain text or Markdown) and attach it again.'));
  });
});
