/**
 * The identity namespaces every org has without creating them (AEP's "standard" namespaces).
 * Ids and codes are those AEP answers with; they never change and cannot be edited.
 */
export type IdType = 'COOKIE' | 'CROSS_DEVICE' | 'DEVICE' | 'EMAIL' | 'MOBILE' | 'NON_PEOPLE' | 'PHONE';

export interface StandardNamespace {
  id: number;
  code: string;
  name: string;
  description: string;
  idType: IdType;
}

export const STANDARD_NAMESPACES: readonly StandardNamespace[] = [
  { id: 4, code: 'ECID', name: 'Experience Cloud ID', description: 'Adobe Experience Cloud ID', idType: 'COOKIE' },
  { id: 6, code: 'Email', name: 'Email', description: 'Email address', idType: 'EMAIL' },
  { id: 7, code: 'Phone', name: 'Phone', description: 'Phone number', idType: 'PHONE' },
  { id: 8, code: 'WAID', name: 'Windows AID', description: 'Windows Advertising ID', idType: 'DEVICE' },
  { id: 9, code: 'TNTID', name: 'Adobe Target', description: 'Adobe Target (TNT) ID', idType: 'COOKIE' },
  { id: 10, code: 'AAID', name: 'Adobe Analytics (Legacy ID)', description: 'Adobe Analytics ID', idType: 'COOKIE' },
  { id: 11, code: 'Email_LC_SHA256', name: 'Emails (SHA256, lowercased)', description: 'SHA256 of a lowercased email address', idType: 'EMAIL' },
  { id: 14, code: 'Phone_SHA256', name: 'Phone (SHA256)', description: 'SHA256 of a phone number', idType: 'PHONE' },
  { id: 15, code: 'Phone_E.164', name: 'Phone (E.164)', description: 'Phone number in E.164 form', idType: 'PHONE' },
  { id: 411, code: 'AdCloud', name: 'AdCloud', description: 'Adobe Advertising Cloud ID', idType: 'COOKIE' },
  { id: 1090, code: 'GCLID', name: 'Google Click ID', description: 'Google Click ID', idType: 'CROSS_DEVICE' },
  { id: 20914, code: 'GAID', name: 'Google Ad ID', description: 'Google Advertising ID', idType: 'DEVICE' },
  { id: 20915, code: 'IDFA', name: 'Apple IDFA', description: 'Apple ID for Advertisers', idType: 'DEVICE' },
  { id: 20919, code: 'CRMID', name: 'CRM ID', description: 'Customer relationship management ID', idType: 'CROSS_DEVICE' },
];
