/**
 * R9: the daily e-mail that tells a user new alerts are waiting. It carries no child details at all — no
 * name, no ContactPoint ID, not even what kind of alert — only how many and a link to the inbox, where the
 * alerts are read signed in (e-mail leaves the service's control once sent).
 */
export function digestMail(
  to: string,
  waiting: number,
  consoleUrl: string,
): { to: string; subject: string; text: string } {
  // The console's alerts page: signed out, it asks for sign-in and then returns there.
  const inbox = new URL('/alerts', consoleUrl).href;
  const alerts = waiting === 1 ? '1 new alert' : `${waiting} new alerts`;
  return {
    to,
    subject: `ContactPoint: ${alerts}`,
    text: [
      `You have ${alerts} in ContactPoint about children you work with.`,
      '',
      `Sign in to read them: ${inbox}`,
      '',
      'This e-mail names no child on purpose. To stop these e-mails, turn off the daily digest in your alert preferences.',
    ].join('\n'),
  };
}
