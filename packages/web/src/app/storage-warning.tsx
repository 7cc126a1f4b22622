import type { TerminalEngine } from '@mostrador/terminal';
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n-context';

/**
 * Warns when the browser may throw the till's data away: a private window, or storage the browser
 * did not make persistent. Unsynced sales live only here until they reach the server.
 */
export function StorageWarning({ engine }: { readonly engine: TerminalEngine }) {
  const { t } = useI18n();
  const [persistent, setPersistent] = useState<boolean | null>(null);
  useEffect(() => {
    void engine.storageUsage().then((usage) => setPersistent(usage.persistent));
  }, [engine]);
  if (persistent !== false) return null;
  return (
    <p className="banner banner-warning" role="status" data-testid="storage-warning">
      {t('storage.notPersistent')}
    </p>
  );
}
