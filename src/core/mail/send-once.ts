// One message handed to the transport at most once. The caller keeps a record per message
// (queued → sending → sent) and passes `handingOver`: a compare-and-set, committed, that
// moves the record from queued to sending for this attempt only. It runs right before the
// transport hands the message over (see mail.transport.ts), so:
// - a crash or error before it: the message provably did not arrive; send it again;
// - a crash or error after it: it may have arrived; never send it again (uncertain),
//   unless the server refused the message data with an error code.
import type Mail from 'nodemailer/lib/mailer'
import type { MailTransport } from './mail.transport.ts'

export type SendOutcome =
  | { sent: true }
  | {
      sent: false
      error: unknown
      /** Another attempt owns the message now: leave its record alone. */
      superseded: boolean
      /** The record was moved to 'sending' before the error. */
      handedOver: boolean
      /** Nothing can have arrived: the record may go back to 'queued'. */
      provenNotAccepted: boolean
    }

/** The server answered the message data with an error code: it was not accepted. */
function refusedByServer(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode
  return typeof code === 'number' && code >= 400
}

export async function sendOnce(
  transport: MailTransport,
  message: Mail.Options,
  handingOver: () => Promise<boolean>,
): Promise<SendOutcome> {
  let handedOver = false
  let superseded = false
  try {
    await transport.send(message, {
      beforeHandOver: async () => {
        if (!(await handingOver())) {
          superseded = true
          throw new Error('another attempt is sending this message')
        }
        handedOver = true
      },
    })
    return { sent: true }
  } catch (error) {
    return {
      sent: false,
      error,
      superseded,
      handedOver,
      provenNotAccepted: !handedOver || refusedByServer(error),
    }
  }
}
