// Every feature's mail templates, imported for their side effect (registerMailTemplate).
// The worker imports this file so that it can build any mail that was queued.
import '../accounts/accounts.mails.ts'
import '../digests/digests.mails.ts'
