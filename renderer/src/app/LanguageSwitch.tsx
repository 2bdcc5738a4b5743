import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Select<Language>
      aria-label={t('shell.language')}
      data-testid="language-switch"
      size="small"
      value={i18n.language as Language}
      onChange={(language) => void setLanguage(language)}
      options={LANGUAGES.map((language) => ({ value: language, label: t(`language.${language}`) }))}
      style={{ width: 112 }}
    />
  );
}
