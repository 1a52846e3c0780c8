// Letters of several scripts in one name ("Mаria" with a Cyrillic "а"): the classic way to pass
// for someone else. Not refused (names in two scripts exist), but shown to the moderators in
// the review queue (features/moderation) and folded away when a name is compared with the
// staff's (features/accounts/look-alikes.ts).

const scripts = [
  ['Latein', /\p{Script=Latin}/u],
  ['Kyrillisch', /\p{Script=Cyrillic}/u],
  ['Griechisch', /\p{Script=Greek}/u],
  ['Armenisch', /\p{Script=Armenian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u],
] as const

/** The scripts of a name's letters when it mixes them (e.g. ['Latein', 'Kyrillisch']), else []. */
export function mixedScripts(name: string): string[] {
  const found = scripts.filter(([, pattern]) => pattern.test(name)).map(([script]) => script)
  return found.length > 1 ? found : []
}

/**
 * Cyrillic and Greek letters that look like Latin ones (a small part of Unicode's confusables,
 * UTS #39, for the letters names use), as lower case after NFKD: "Маria" reads "maria".
 */
const latinLookAlikes: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  і: 'i',
  ј: 'j',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  ԁ: 'd',
  һ: 'h',
  ԛ: 'q',
  ԝ: 'w',
  ӏ: 'l',
  ү: 'y',
  α: 'a',
  β: 'b',
  ε: 'e',
  ζ: 'z',
  η: 'h',
  ι: 'i',
  κ: 'k',
  μ: 'm',
  ν: 'n',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'y',
  χ: 'x',
}
const lookAlikePattern = new RegExp(`[${Object.keys(latinLookAlikes).join('')}]`, 'gu')

/** Lower-case text with Cyrillic and Greek look-alikes of Latin letters replaced by them. */
export function asLatinLookAlike(lowerCase: string): string {
  return lowerCase.replace(lookAlikePattern, (letter) => latinLookAlikes[letter] ?? letter)
}
