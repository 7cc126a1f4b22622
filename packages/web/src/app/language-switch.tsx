import { useI18n } from '../i18n/i18n-context';

/** Spanish by default; English one click away, remembered on this device. */
export function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <button
      type="button"
      className="button-quiet"
      onClick={() => setLanguage(language === 'es' ? 'en' : 'es')}
      lang={language === 'es' ? 'en' : 'es'}
      title={t('app.switchLanguage')}
    >
      {language === 'es' ? 'English' : 'Español'}
    </button>
  );
}
