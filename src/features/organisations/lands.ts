// The 16 Länder with their two-digit Regionalschlüssel (Destatis). Organisations store the
// code in `organisations.land`; every official key starts with its Land's code.
export const landCodes = [
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '07',
  '08',
  '09',
  '10',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
] as const
export type LandCode = (typeof landCodes)[number]

/** Code '01'..'16' → German name of the Land. */
export const landNames: Record<string, string> = {
  '01': 'Schleswig-Holstein',
  '02': 'Hamburg',
  '03': 'Niedersachsen',
  '04': 'Bremen',
  '05': 'Nordrhein-Westfalen',
  '06': 'Hessen',
  '07': 'Rheinland-Pfalz',
  '08': 'Baden-Württemberg',
  '09': 'Bayern',
  '10': 'Saarland',
  '11': 'Berlin',
  '12': 'Brandenburg',
  '13': 'Mecklenburg-Vorpommern',
  '14': 'Sachsen',
  '15': 'Sachsen-Anhalt',
  '16': 'Thüringen',
}

export function isLandCode(value: unknown): value is LandCode {
  return typeof value === 'string' && (landCodes as readonly string[]).includes(value)
}
