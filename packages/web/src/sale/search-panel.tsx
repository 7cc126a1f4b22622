import { type KeyboardEvent, type RefObject, useId, useMemo, useState } from 'react';
import type { CatalogIndex, CatalogMatch } from '../catalog/catalog-index';
import { useI18n } from '../i18n/i18n-context';

/**
 * Instant search by name, SKU or barcode over the local catalog. Enter adds the highlighted
 * result, or the typed code when nothing matches (the engine looks codes up itself).
 */
export function SearchPanel({
  catalog,
  inputRef,
  onPick,
}: {
  readonly catalog: CatalogIndex | null;
  readonly inputRef: RefObject<HTMLInputElement | null>;
  readonly onPick: (code: string) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [query, setQuery] = useState('');
  const [highlighted, setHighlighted] = useState(0);
  const results = useMemo<CatalogMatch[]>(() => catalog?.search(query) ?? [], [catalog, query]);

  const pick = (code: string) => {
    onPick(code);
    setQuery('');
    setHighlighted(0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setHighlighted((current) => Math.min(current + 1, Math.max(results.length - 1, 0)));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setHighlighted((current) => Math.max(current - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = results[highlighted];
      const typed = query.trim();
      if (chosen !== undefined) pick(chosen.sku);
      else if (typed !== '') pick(typed);
    } else if (event.key === 'Escape') {
      setQuery('');
    }
  };

  return (
    <section className="search-panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="visually-hidden">
        {t('sale.searchTitle')}
      </h2>
      <label htmlFor={`${id}-query`}>{t('sale.search')}</label>
      <input
        id={`${id}-query`}
        ref={inputRef}
        type="search"
        autoComplete="off"
        aria-controls={`${id}-results`}
        placeholder={t('sale.searchPlaceholder')}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setHighlighted(0);
        }}
        onKeyDown={onKeyDown}
      />
      {catalog === null ? <p className="muted">{t('sale.searchPreparing')}</p> : null}
      <ul id={`${id}-results`} className="search-results" aria-label={t('sale.searchResults')}>
        {results.map((match, position) => (
          <li key={match.variantId} className={position === highlighted ? 'highlighted' : undefined}>
            <button
              type="button"
              tabIndex={-1}
              aria-current={position === highlighted}
              onClick={() => pick(match.sku)}
            >
              <span className="result-name">{match.name}</span>
              <span className="result-code">{match.sku}</span>
            </button>
          </li>
        ))}
      </ul>
      {query.trim() !== '' && catalog !== null && results.length === 0 ? (
        <p className="muted">{t('sale.searchNothing')}</p>
      ) : null}
    </section>
  );
}
