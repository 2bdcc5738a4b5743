import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { WORKSTATION_THEME } from '../theme/theme';
import { Workstation } from './Workstation';

/** Providers: the component library's locale follows the interface language. */
export function Root() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={WORKSTATION_THEME}>
      <AntApp>
        <Workstation />
      </AntApp>
    </ConfigProvider>
  );
}
