/** The single-use token purpose of set-password links; every live link of an account is voided together. */
export const RESET_PURPOSE = 'password-reset';
