/**
 * A DSN with its password replaced by `***`, safe for logs and errors. Anything that does not parse as a URL is
 * masked whole rather than risk printing a key=value password.
 */
export function maskDsn(dsn: string): string {
  try {
    const url = new URL(dsn);
    if (url.password !== '') url.password = '***';
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|key/i.test(key)) url.searchParams.set(key, '***');
    }
    return url.toString();
  } catch {
    return '(unparseable DSN, masked)';
  }
}
