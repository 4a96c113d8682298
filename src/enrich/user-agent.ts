/** What a User-Agent string says about OS, browser and device, via ua-parser-js 1.x (MIT), cached. */
import { UAParser } from 'ua-parser-js';
import type { UserAgentInfo } from '../schema/enrichment.ts';
import { BoundedCache } from './bounded-cache.ts';

export interface UserAgentParser {
  parse(userAgent: string | undefined): UserAgentInfo;
}

export const UNKNOWN_UA: UserAgentInfo = Object.freeze({ deviceType: 'unknown' });

function deviceType(type: string | undefined, hasOsOrBrowser: boolean): UserAgentInfo['deviceType'] {
  switch (type) {
    case 'mobile':
      return 'mobile';
    case 'tablet':
      return 'tablet';
    case 'console':
    case 'smarttv':
    case 'wearable':
    case 'embedded':
      return 'other';
    default:
      // ua-parser reports no type for desktops; a recognised OS or browser without one is a desktop.
      return hasOsOrBrowser ? 'desktop' : 'unknown';
  }
}

export function parseUserAgentUncached(ua: string): UserAgentInfo {
  const r = new UAParser(ua).getResult();
  const out: { -readonly [K in keyof UserAgentInfo]: UserAgentInfo[K] } = {
    deviceType: deviceType(r.device.type, r.os.name !== undefined || r.browser.name !== undefined),
  };
  if (r.os.name !== undefined) out.os = r.os.name;
  if (r.os.version !== undefined) out.osVersion = r.os.version;
  if (r.browser.name !== undefined) out.browser = r.browser.name;
  if (r.browser.version !== undefined) out.browserVersion = r.browser.version;
  return out;
}

/** A parser with an LRU of `capacity` distinct user agents (they repeat heavily across sign-ins). */
export function createUserAgentParser(capacity = 10_000): UserAgentParser {
  const cache = new BoundedCache<string, UserAgentInfo>(capacity);
  return {
    parse(ua) {
      if (ua === undefined || ua.trim() === '') return UNKNOWN_UA;
      let info = cache.get(ua);
      if (info === undefined) {
        info = Object.freeze(parseUserAgentUncached(ua));
        cache.set(ua, info);
      }
      return info;
    },
  };
}
