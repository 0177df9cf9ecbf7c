import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { startApp } from './startup';
import './styles.css';

const app = createApp(App);
app.use(createPinia());
app.mount('#app');
const { stop } = startApp();
window.addEventListener('pagehide', stop, { once: true });
