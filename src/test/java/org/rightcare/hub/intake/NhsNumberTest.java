package org.rightcare.hub.intake;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NhsNumberTest {

    @ParameterizedTest
    @ValueSource(strings = { "9434765919", "9000000009", "9449306060", "4010232137" })
    void acceptsNumbersWithTheRightCheckDigit(String number) {
        assertTrue(NhsNumber.isValid(number));
    }

    @ParameterizedTest
    @ValueSource(strings = { "9434765918", "943476591", "94347659190", "943476591X", "", "1234567890" })
    void refusesWrongCheckDigitsLengthsAndCharacters(String number) {
        assertFalse(NhsNumber.isValid(number));
    }
}
