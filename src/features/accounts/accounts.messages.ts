// Messages of the accounts feature (German first; English must have the same keys).
export const de = {} as const

export const en: Record<keyof typeof de, string> = {}
