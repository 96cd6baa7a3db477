const numberFormat = new Intl.NumberFormat('en');
const scoreFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });
const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

export const formatCount = (value: number | undefined): string => numberFormat.format(value ?? 0);
export const formatScore = (value: number): string => scoreFormat.format(value);
export const formatDate = (iso: string | undefined): string => (iso ? dateFormat.format(new Date(iso)) : '—');

/**
 * A time as read in `timeZone` (a schedule's IANA zone: its cron pattern means that zone's clock), or in the
 * browser's zone when the browser does not know that one.
 */
export const formatDateIn = (iso: string, timeZone: string): string => {
  try {
    const inZone = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone });
    return `${inZone.format(new Date(iso))} ${timeZone}`;
  } catch {
    return formatDate(iso);
  }
};
