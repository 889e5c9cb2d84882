package org.rightcare.hub.intake;

/**
 * The NHS number check digit (modulus 11): weights 10..2 over the first nine digits, check = 11 - (sum mod 11),
 * 11 becomes 0 and 10 means the number is invalid.
 */
public final class NhsNumber {

    private NhsNumber() {
    }

    public static boolean isValid(String value) {
        if (value == null || value.length() != 10) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 10; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            if (i < 9) {
                sum += (c - '0') * (10 - i);
            }
        }
        int check = 11 - (sum % 11);
        if (check == 11) {
            check = 0;
        }
        return check != 10 && check == value.charAt(9) - '0';
    }
}
