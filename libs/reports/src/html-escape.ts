/**
 * Text from producers (tenant ids, data ids, store names, error messages) ends up in
 * the HTML report; escaping it keeps a crafted id from becoming markup or script.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
