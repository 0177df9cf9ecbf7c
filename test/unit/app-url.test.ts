import { describe, expect, it } from 'vitest';
import { appUrlMatcher, devServerUrl } from '../../electron/main/app-url';

describe('devServerUrl', () => {
  it('is honoured in development only, and only as an http(s) URL', () => {
    expect(devServerUrl('http://localhost:5173', false)).toBe('http://localhost:5173/');
    expect(devServerUrl('http://localhost:5173', true)).toBeNull(); // a packaged app ignores the variable
    expect(devServerUrl(undefined, false)).toBeNull();
    expect(devServerUrl('', false)).toBeNull();
    expect(devServerUrl('javascript:alert(1)', false)).toBeNull();
    expect(devServerUrl('file:///tmp/evil.html', false)).toBeNull();
    expect(devServerUrl('not a url', false)).toBeNull();
  });
});

describe('appUrlMatcher', () => {
  it('with a dev server, accepts exactly its origin, not a URL that merely starts with it', () => {
    const isApp = appUrlMatcher({ devServerUrl: 'http://attacker.example', pageUrl: 'app://renderer/index.html' });
    expect(isApp('http://attacker.example/')).toBe(true);
    expect(isApp('http://attacker.example/index.html#/keys')).toBe(true);
    for (const url of [
      'http://attacker.example.evil.net/',
      'http://attacker.example:8080/',
      'https://attacker.example/',
      'http://attacker.example@evil.net/',
      'http://user:pw@attacker.example/',
      'app://renderer/index.html', // the packaged page is not the app while the dev server is
      'not a url',
      '',
    ]) {
      expect(isApp(url), url).toBe(false);
    }
  });

  it('without a dev server, accepts exactly the app page (any #fragment), nothing beside it', () => {
    const isApp = appUrlMatcher({ devServerUrl: null, pageUrl: 'file:///opt/app/out/renderer/index.html' });
    expect(isApp('file:///opt/app/out/renderer/index.html')).toBe(true);
    expect(isApp('file:///opt/app/out/renderer/index.html#/servers')).toBe(true);
    for (const url of [
      'file:///opt/app/out/renderer/index.html.evil.html',
      'file:///opt/app/out/renderer/index.html/../../evil.html',
      'file:///opt/app/out/renderer/other.html',
      'file:///opt/app/out/renderer/index.html?x=1',
      'file://evil-host/opt/app/out/renderer/index.html',
      'http://opt/app/out/renderer/index.html',
    ]) {
      expect(isApp(url), url).toBe(false);
    }
  });
});
