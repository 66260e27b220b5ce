import { foldWord, termOfFolded, tokenize } from './terms.js';

/** A form as search reads it: the terms of its words, common words left out (`Alma-Ata` → alma, ata). */
export type FormTerms = readonly string[];

export function formTerms(form: string): FormTerms {
  return tokenize(form)
    .map((token) => termOfFolded(foldWord(token)))
    .filter((term): term is string => term !== null);
}

/** Forms search reads alike (`Saint Just`, `Saint-Just`) have one key: one form written twice. */
export function formKey(form: string): string {
  return formTerms(form).join(' ');
}

interface Phrase {
  terms: FormTerms;
  others: FormTerms[];
}

/**
 * Groups of forms that name the same thing (`Almaty` / `Alma-Ata`, a text's slip `Uranus` for
 * uranium), applied to a query as it is read, so no index is rebuilt and a server can add its own.
 * A query word also finds the other forms of its groups; a phrase of the query that is a form
 * (`Sen Just`) lends the other forms to each of its words. The engine ranks these a little
 * below the word as written.
 */
export class Spellings {
  static readonly none = new Spellings([]);

  /** Per one-term form: the other forms of its groups. */
  private readonly byTerm = new Map<string, FormTerms[]>();
  /** Per first term of a form of several terms: those forms, with the other forms of their groups. */
  private readonly byFirstTerm = new Map<string, Phrase[]>();

  constructor(readonly groups: ReadonlyArray<readonly string[]>) {
    for (const group of groups) {
      const forms = group.map(formTerms).filter((terms) => terms.length > 0);
      forms.forEach((terms, at) => {
        const others = forms.filter((_, other) => other !== at);
        if (terms.length === 1) this.byTerm.set(terms[0]!, [...(this.byTerm.get(terms[0]!) ?? []), ...others]);
        else this.byFirstTerm.set(terms[0]!, [...(this.byFirstTerm.get(terms[0]!) ?? []), { terms, others }]);
      });
    }
  }

  get size(): number {
    return this.groups.length;
  }

  /** These groups, then `more` (a server's own beside the shipped list). */
  with(more: ReadonlyArray<readonly string[]>): Spellings {
    return more.length === 0 ? this : new Spellings([...this.groups, ...more]);
  }

  /** For each term of a query (in order, common words left out), the other forms it also finds. */
  othersOf(terms: readonly string[]): FormTerms[][] {
    const found = terms.map((term) => [...(this.byTerm.get(term) ?? [])]);
    terms.forEach((term, start) => {
      for (const phrase of this.byFirstTerm.get(term) ?? []) {
        const length = phrase.terms.length;
        if (!phrase.terms.every((word, at) => terms[start + at] === word)) continue;
        for (let at = start; at < start + length; at++) found[at]!.push(...phrase.others);
      }
    });
    return found;
  }
}
