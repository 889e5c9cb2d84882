package org.rightcare.hub.fhirapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.rightcare.hub.fhirapi.Prefer.Return;

/** The Prefer header as RFC 7240 writes it and FHIR uses it. */
class PreferTest {

    @Test
    void noHeaderAsksForTheDefaults() {
        assertEquals(Prefer.NONE, Prefer.of((List<String>) null));
        assertEquals(Prefer.NONE, Prefer.of(List.of()));
        assertEquals(Return.REPRESENTATION, Prefer.NONE.returns());
        assertFalse(Prefer.NONE.returnAsked());
        assertFalse(Prefer.NONE.lenient());
    }

    @Test
    void eachReturnFhirDefinesIsRead() {
        assertEquals(new Prefer(Return.MINIMAL, true, false), Prefer.of(List.of("return=minimal")));
        assertEquals(new Prefer(Return.REPRESENTATION, true, false), Prefer.of(List.of("return=representation")));
        assertEquals(new Prefer(Return.OPERATION_OUTCOME, true, false),
                Prefer.of(List.of("return=OperationOutcome")));
    }

    @Test
    void namesAndValuesAreMatchedWithoutCaseQuotesOrSpaces() {
        assertEquals(Return.OPERATION_OUTCOME, Prefer.of(List.of("Return = operationoutcome")).returns());
        assertEquals(Return.MINIMAL, Prefer.of(List.of("RETURN=\"minimal\"")).returns());
        assertTrue(Prefer.of(List.of("  Handling=LENIENT ")).lenient());
    }

    @Test
    void preferencesMayShareAHeaderOrComeInSeveral() {
        Prefer together = Prefer.of(List.of("handling=lenient, return=minimal"));
        assertEquals(new Prefer(Return.MINIMAL, true, true), together);
        assertEquals(together, Prefer.of(List.of("return=minimal", "handling=lenient")));
        // Parameters after ';' qualify a preference; they do not change it.
        assertEquals(together, Prefer.of(List.of("return=minimal; foo=bar, handling=lenient; x")));
    }

    @Test
    void onlyTheFirstOfARepeatedPreferenceCounts() {
        assertEquals(Return.MINIMAL, Prefer.of(List.of("return=minimal, return=representation")).returns());
        assertEquals(Return.OPERATION_OUTCOME,
                Prefer.of(List.of("return=OperationOutcome", "return=minimal")).returns());
        assertFalse(Prefer.of(List.of("handling=strict, handling=lenient")).lenient());
    }

    @Test
    void whatTheHubDoesNotKnowIsIgnored() {
        assertEquals(Prefer.NONE, Prefer.of(List.of("return=everything")));
        assertEquals(Prefer.NONE, Prefer.of(List.of("respond-async, wait=10")));
        assertEquals(Prefer.NONE, Prefer.of(List.of("return")));
        assertEquals(Prefer.NONE, Prefer.of(List.of("handling=strict")));
        assertEquals(Prefer.NONE, Prefer.of(List.of("")));
        // "handling=lenient" inside another preference's value is not the handling preference.
        assertFalse(Prefer.of(List.of("x=\"handling=lenient\"")).lenient());
    }
}
