import Handlebars from 'handlebars';

/** Markup already escaped (or built only from escaped parts): `html` inserts it as is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlPart = SafeHtml | string | number | null | undefined | false | ReadonlyArray<HtmlPart>;

const render = (part: HtmlPart): string => {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof SafeHtml) return part.value;
  if (Array.isArray(part)) return (part as ReadonlyArray<HtmlPart>).map(render).join('');
  return Handlebars.escapeExpression(String(part));
};

/**
 * A template literal that escapes every interpolated value (Handlebars' escaper: & < > " ' ` =)
 * unless it is SafeHtml, so a store's cart ids, segment names or country codes cannot inject
 * markup into the dashboard. Arrays are joined; null, undefined and false render nothing.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlPart[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return new SafeHtml(out);
}
