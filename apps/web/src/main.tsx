import { render } from 'preact';
import { App } from './app';
import { language, t } from './i18n';
import './styles.css';

document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
document.title = t('pageTitle');
render(<App />, document.getElementById('app')!);
