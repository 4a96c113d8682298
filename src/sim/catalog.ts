/** Static vocabulary of the simulated organisation: apps, departments, devices, names, licences. */

export interface AppDef {
  readonly displayName: string;
  /** Well-known first-party appIds are real; others are derived from the seed. */
  readonly appId?: string;
  /** Relative share of sign-ins. */
  readonly weight: number;
  /** Conditional access requires MFA for interactive sign-ins to it. */
  readonly mfa?: boolean;
  /** Third-party SaaS launched from the access panel (appAccess events). */
  readonly saas?: boolean;
  /** Accounts are provisioned into it (provisioning events). */
  readonly provisioned?: boolean;
  /** Password-based SSO with automatic rollover (passwordRollover events). */
  readonly passwordSso?: boolean;
  /** Only these departments use it; everybody when absent. */
  readonly departments?: readonly string[];
  /** Token-refresh heavy (desktop/mobile clients): most of its sign-ins are non-interactive. */
  readonly background?: boolean;
  /** A native client that exists on one kind of device only. */
  readonly only?: 'desktop' | 'mobile';
  /** Mail: the one workload Exchange ActiveSync and IMAP clients reach. */
  readonly mail?: boolean;
}

export const DEPARTMENTS = [
  'Engineering',
  'Sales',
  'Marketing',
  'Finance',
  'Human Resources',
  'Legal',
  'IT',
  'Operations',
  'Customer Support',
  'Product',
  'Security',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

export const DEPARTMENT_WEIGHTS: Readonly<Record<Department, number>> = {
  Engineering: 24,
  Sales: 16,
  Marketing: 8,
  Finance: 7,
  'Human Resources': 5,
  Legal: 3,
  IT: 6,
  Operations: 10,
  'Customer Support': 12,
  Product: 6,
  Security: 3,
};

export const SIGN_IN_ASSISTANT = 'Microsoft Online Services Sign-In Assistant';

export const APPS: readonly AppDef[] = [
  { displayName: 'Office 365 Exchange Online', appId: '00000002-0000-0ff1-ce00-000000000000', weight: 30, background: true, mail: true },
  { displayName: 'Office 365 SharePoint Online', appId: '00000003-0000-0ff1-ce00-000000000000', weight: 16, background: true },
  { displayName: 'Microsoft Teams', appId: '1fec8e78-bce4-4aaf-ab1b-5451cc387264', weight: 26, background: true },
  { displayName: 'Microsoft Office', appId: 'd3590ed6-52b3-4102-aeff-aad2292ab01c', weight: 10, background: true },
  { displayName: 'OfficeHome', appId: '4765445b-32c6-49b0-83e6-1d93765276ca', weight: 8 },
  { displayName: 'OneDrive SyncEngine', appId: 'ab9b8c07-8f02-4f72-87fa-80105867a763', weight: 6, background: true, only: 'desktop' },
  { displayName: 'Microsoft Authentication Broker', appId: '29d9ed98-a469-4536-ade2-f981bc1d605e', weight: 5, background: true },
  { displayName: 'Microsoft Edge', appId: 'ecd6b820-32c2-49b6-98a6-444530e5a77a', weight: 3, background: true },
  { displayName: 'Outlook Mobile', appId: '27922004-5251-4030-b22d-91ecd9a37ea4', weight: 5, background: true, only: 'mobile', mail: true },
  { displayName: 'Microsoft Intune Company Portal', appId: '9ba1a5c7-f17a-4de9-a1f1-6178c8d51223', weight: 1 },
  { displayName: 'Power BI Service', weight: 3, departments: ['Finance', 'Sales', 'Operations', 'Product'] },
  { displayName: 'Azure Portal', appId: 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c', weight: 4, mfa: true, departments: ['Engineering', 'IT', 'Security'] },
  { displayName: 'Microsoft Azure CLI', appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46', weight: 2, mfa: true, only: 'desktop', departments: ['Engineering', 'IT'] },
  { displayName: 'Microsoft Azure PowerShell', appId: '1950a258-227b-4e31-a9cf-717495945fc2', weight: 1, mfa: true, only: 'desktop', departments: ['IT', 'Security'] },
  { displayName: 'Microsoft 365 Security and Compliance Center', weight: 1, mfa: true, departments: ['Security', 'Legal'] },
  { displayName: 'Salesforce', weight: 8, saas: true, provisioned: true, mfa: true, departments: ['Sales', 'Marketing', 'Customer Support'] },
  { displayName: 'Workday', weight: 3, saas: true, provisioned: true, mfa: true },
  { displayName: 'ServiceNow', weight: 4, saas: true, provisioned: true, departments: ['IT', 'Customer Support', 'Operations', 'Security'] },
  { displayName: 'GitHub Enterprise Cloud', weight: 6, saas: true, provisioned: true, mfa: true, departments: ['Engineering', 'Product', 'Security'] },
  { displayName: 'Slack', weight: 6, saas: true, provisioned: true },
  { displayName: 'Zoom', weight: 4, saas: true, provisioned: true },
  { displayName: 'Atlassian Cloud', weight: 5, saas: true, provisioned: true, departments: ['Engineering', 'Product', 'IT', 'Operations'] },
  { displayName: 'Box', weight: 2, saas: true, provisioned: true, departments: ['Legal', 'Finance', 'Marketing'] },
  { displayName: 'DocuSign', weight: 1, saas: true, departments: ['Legal', 'Sales', 'Human Resources', 'Finance'] },
  { displayName: 'Adobe Creative Cloud', weight: 2, saas: true, provisioned: true, departments: ['Marketing', 'Product'] },
  { displayName: 'SAP Concur', weight: 1, saas: true },
  { displayName: 'Coupa', weight: 1, saas: true, departments: ['Finance', 'Operations'] },
  { displayName: 'Zendesk', weight: 5, saas: true, provisioned: true, departments: ['Customer Support'] },
  { displayName: 'HubSpot', weight: 2, saas: true, departments: ['Marketing', 'Sales'] },
  { displayName: 'Tableau Cloud', weight: 1, saas: true, departments: ['Finance', 'Product', 'Operations'] },
  { displayName: 'AWS IAM Identity Center', weight: 3, saas: true, mfa: true, departments: ['Engineering', 'IT', 'Security'] },
  { displayName: 'Miro', weight: 1, saas: true, departments: ['Product', 'Engineering', 'Marketing'] },
  { displayName: 'Figma', weight: 1, saas: true, departments: ['Product', 'Marketing'] },
  { displayName: 'Greenhouse', weight: 1, saas: true, departments: ['Human Resources'] },
  { displayName: 'Gong', weight: 1, saas: true, departments: ['Sales'] },
  { displayName: 'Smartsheet', weight: 1, saas: true, departments: ['Operations', 'Finance'] },
  { displayName: 'X (Marketing shared account)', weight: 1, saas: true, passwordSso: true, departments: ['Marketing'] },
  { displayName: 'LinkedIn Recruiter', weight: 1, saas: true, passwordSso: true, departments: ['Human Resources'] },
  { displayName: 'FedEx Ship Manager', weight: 1, saas: true, passwordSso: true, departments: ['Operations'] },
  { displayName: 'Bloomberg Professional', weight: 1, saas: true, passwordSso: true, departments: ['Finance'] },
  { displayName: SIGN_IN_ASSISTANT, weight: 0, background: true },
];

export interface DeviceProfile {
  readonly kind: 'desktop' | 'mobile';
  readonly operatingSystem: string;
  readonly browser: string;
  readonly userAgent: string;
  /** clientAppUsed of its interactive sign-ins. */
  readonly clientApp: string;
  readonly platform: string;
}

const CHROME_WIN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** Corporate and personal devices; user agents match OS and browser so ua-parser-js agrees with deviceDetail. */
export const DEVICE_PROFILES: ReadonlyArray<{ readonly weight: number; readonly profile: DeviceProfile }> = [
  {
    weight: 34,
    profile: { kind: 'desktop', operatingSystem: 'Windows10', browser: 'Edge 131.0.0', userAgent: `${CHROME_WIN} Edg/131.0.0.0`, clientApp: 'Browser', platform: 'Windows' },
  },
  {
    weight: 18,
    profile: { kind: 'desktop', operatingSystem: 'Windows10', browser: 'Chrome 131.0.0', userAgent: CHROME_WIN, clientApp: 'Browser', platform: 'Windows' },
  },
  {
    weight: 12,
    profile: {
      kind: 'desktop',
      operatingSystem: 'Windows10',
      browser: 'Rich Client 16.0.18129',
      userAgent: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.18129; Pro)',
      clientApp: 'Mobile Apps and Desktop clients',
      platform: 'Windows',
    },
  },
  {
    weight: 14,
    profile: {
      kind: 'desktop',
      operatingSystem: 'MacOs',
      browser: 'Safari 18.1',
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      clientApp: 'Browser',
      platform: 'macOS',
    },
  },
  {
    weight: 5,
    profile: {
      kind: 'desktop',
      operatingSystem: 'MacOs',
      browser: 'Chrome 131.0.0',
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
      clientApp: 'Browser',
      platform: 'macOS',
    },
  },
  {
    weight: 3,
    profile: {
      kind: 'desktop',
      operatingSystem: 'Linux',
      browser: 'Firefox 133.0',
      userAgent: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
      clientApp: 'Browser',
      platform: 'Linux',
    },
  },
];

export const MOBILE_PROFILES: ReadonlyArray<{ readonly weight: number; readonly profile: DeviceProfile }> = [
  {
    weight: 30,
    profile: {
      kind: 'mobile',
      operatingSystem: 'Ios 18.1',
      browser: 'Mobile Safari 18.1',
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
      clientApp: 'Mobile Apps and Desktop clients',
      platform: 'iOS',
    },
  },
  {
    weight: 20,
    profile: {
      kind: 'mobile',
      operatingSystem: 'Android 14',
      browser: 'Chrome Mobile 131.0.6778',
      userAgent:
        'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.81 Mobile Safari/537.36',
      clientApp: 'Mobile Apps and Desktop clients',
      platform: 'Android',
    },
  },
  {
    weight: 6,
    profile: {
      kind: 'mobile',
      operatingSystem: 'Ios 17.6',
      browser: 'Mobile Safari 17.6',
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
      clientApp: 'Exchange ActiveSync',
      platform: 'iOS',
    },
  },
];

/** What attackers' tooling looks like in sign-in logs (legacy-auth ROPC, scripts, old browsers). */
export const ATTACK_PROFILES: readonly DeviceProfile[] = [
  { kind: 'desktop', operatingSystem: 'Windows', browser: 'IE 10.0', userAgent: 'Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.1; Trident/6.0)', clientApp: 'Other clients', platform: 'Windows' },
  { kind: 'desktop', operatingSystem: 'Linux', browser: 'Python Requests 2.31', userAgent: 'python-requests/2.31.0', clientApp: 'Other clients', platform: 'Linux' },
  { kind: 'desktop', operatingSystem: 'Windows', browser: 'Rich Client', userAgent: 'BAV2ROPC', clientApp: 'IMAP4', platform: 'Windows' },
  {
    kind: 'desktop',
    operatingSystem: 'Linux',
    browser: 'Firefox 115.0',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0',
    clientApp: 'Browser',
    platform: 'Linux',
  },
];

export const FIRST_NAMES = [
  'Adele', 'Alex', 'Amara', 'Ana', 'Andrei', 'Aiko', 'Ben', 'Carlos', 'Chen', 'Chloe', 'Daniel', 'Diego', 'Elena', 'Emma',
  'Fatima', 'Felix', 'Grace', 'Hannah', 'Hiro', 'Ines', 'Isaac', 'Jamal', 'James', 'Jana', 'Ji-woo', 'Jonas', 'Julia', 'Kai',
  'Karin', 'Laura', 'Lea', 'Leo', 'Lina', 'Lucas', 'Maya', 'Mei', 'Miguel', 'Mohammed', 'Nadia', 'Noah', 'Nora', 'Olga',
  'Omar', 'Oscar', 'Pablo', 'Priya', 'Rahul', 'Rosa', 'Sam', 'Sara', 'Sofia', 'Sven', 'Tariq', 'Thomas', 'Tomasz', 'Uma',
  'Victor', 'Wei', 'Yara', 'Yusuf', 'Zoe',
];
export const LAST_NAMES = [
  'Adams', 'Ahmed', 'Almeida', 'Andersson', 'Bauer', 'Becker', 'Brown', 'Chen', 'Costa', 'Dubois', 'Fischer', 'Garcia',
  'Gonzalez', 'Gupta', 'Hansen', 'Hoffmann', 'Ito', 'Jensen', 'Johnson', 'Kim', 'Kowalski', 'Kumar', 'Larsen', 'Lee',
  'Lopez', 'Martin', 'Meyer', 'Moreau', 'Muller', 'Murphy', 'Nakamura', 'Nguyen', 'Novak', 'OBrien', 'Patel', 'Petrov',
  'Rossi', 'Sato', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Tanaka', 'Taylor', 'Thompson', 'Walsh', 'Wang', 'Weber',
  'Williams', 'Wilson', 'Yamamoto', 'Zhang',
];

/** Licence SKUs (Graph skuId) the org buys. */
export const SKUS = {
  E3: '05e9a617-0261-4cee-bb44-138d3ef5d965',
  E5: '06ebc4ee-1bb5-47dd-8120-11324bc54e06',
  EntraP2: 'eec0eb4f-6444-4f95-aba0-50c24d67f998',
} as const;

export const GUEST_DOMAINS = ['fabrikam.example', 'adatum.example', 'tailspintoys.example', 'litware.example', 'wingtiptoys.example'];
export const CONSUMER_DOMAINS = ['outlook.com', 'hotmail.com', 'gmail.com', 'live.com'];

export const SELF_SERVICE_GROUPS = [
  'Running Club', 'Book Club', 'Women in Tech', 'Pride Network', 'Parents Network', 'Photography', 'Board Games',
  'Project Falcon', 'Hackathon 2026', 'Sustainability Champions', 'Mentoring Circle', 'Cycling to Work',
];

export const RMS_APPS = ['Microsoft Word', 'Microsoft Excel', 'Microsoft PowerPoint', 'Microsoft Outlook', 'Azure Information Protection Viewer', 'Microsoft Teams'];
export const RMS_DOCUMENTS = [
  'Q4 Board Pack.pptx', 'Salary Review 2026.xlsx', 'M&A Project Falcon.docx', 'Customer Contract - Litware.pdf', 'Roadmap 2027.pptx',
  'Incident Report 2026-11.docx', 'Budget FY27.xlsx', 'Pricing Strategy.docx', 'Headcount Plan.xlsx', 'Security Architecture.vsdx',
  'Patent Draft - Sensor Fusion.docx', 'Audit Findings.xlsx', 'Offer Letter Template.docx', 'Sales Forecast Q1.xlsx',
];
