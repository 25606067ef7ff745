/**
 * What the settings API returns, shared with the web UI. Types and plain constants only, and no imports, so the
 * browser build can compile this file as it is.
 */

/** The company's settings (设置): name, the data template chosen at setup, the time zone and the currency. */
export type CompanySettingsView = {
  companyName: string;
  template: 'blank' | 'heating';
  timezone: string;
  currency: 'CNY' | 'USD' | 'EUR' | 'HKD' | 'GBP';
  /** The service hotline the public pages show (服务热线), or null. */
  hotline: string | null;
  /** The company logo the public pages show (/branding/logo?v=…), or null. */
  logoUrl: string | null;
};
