const numberFormat = new Intl.NumberFormat('en');
const scoreFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });
const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

export const formatCount = (value: number | undefined): string => numberFormat.format(value ?? 0);
export const formatScore = (value: number): string => scoreFormat.format(value);
export const formatDate = (iso: string | undefined): string => (iso ? dateFormat.format(new Date(iso)) : '—');
