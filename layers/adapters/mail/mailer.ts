import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer } from '#domain/ports.ts';
import { readSettings, type Settings } from '#runtime/settings.ts';

type Mail = Parameters<Mailer['send']>[0];

/** R9 in AWS: plain-text mail through SES, from the one verified address the function may send as. */
export class SesMailer implements Mailer {
  constructor(
    private readonly ses: SESv2Client,
    private readonly from: string,
  ) {}

  async send(mail: Mail): Promise<void> {
    await this.ses.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [mail.to] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
          },
        },
      }),
    );
  }
}

/** Locally: each mail an RFC 5322 message in a folder (`.local/mail/`), to open with any mail reader. */
export class FolderMailer implements Mailer {
  private sent = 0;

  constructor(
    private readonly folder: string,
    private readonly from: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(mail: Mail): Promise<void> {
    mkdirSync(this.folder, { recursive: true });
    const at = this.now();
    const message = [
      `From: ${this.from}`,
      `To: ${mail.to}`,
      `Subject: ${mail.subject}`,
      `Date: ${at.toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      mail.text,
      '',
    ].join('\r\n');
    const name = `${at.toISOString().replace(/[-:.]/g, '')}-${process.pid}-${++this.sent}.eml`;
    writeFileSync(join(this.folder, name), message, { mode: 0o600 });
  }
}

/** The mailer the settings describe, and the console link a mail may carry; read once at cold start. */
export function mailFrom(settings: Settings<'mail'> = readSettings('mail')): {
  mailer: Mailer;
  consoleUrl: string;
} {
  const mailer =
    'LOCAL_MAIL_DIR' in settings
      ? new FolderMailer(settings.LOCAL_MAIL_DIR, settings.MAIL_FROM)
      : new SesMailer(new SESv2Client({ region: settings.AWS_REGION }), settings.MAIL_FROM);
  return { mailer, consoleUrl: settings.CONSOLE_URL };
}
