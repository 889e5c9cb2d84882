package org.rightcare.hub.referral;

/**
 * A treating or validating service's final answer on a case, read from its BaRS final response or its FHIR Task
 * output: what it decided (a Pathways disposition or care plan code), the ambulance response it asks for, and its own
 * summary. An answer that asks for an ambulance is a send-back ({@code clinician-requests-ambulance}), never a
 * completion.
 *
 * @param dispositionSystem the code system of {@code dispositionCode}; null when the answer named no disposition
 * @param dispositionCode e.g. a Pathways {@code Dx} code; null when none
 * @param dispositionDisplay the code's display as the answer gave it; null when none
 * @param arpCategory the ambulance response category the answer asks for; null when it asks for none
 * @param summary the answer's own words; null when none
 */
public record CareOutcome(String dispositionSystem, String dispositionCode, String dispositionDisplay,
        ArpCategory arpCategory, String summary) {

    /**
     * Whether the answer asks for an ambulance response: any ARP category but C5 (which is "non ambulance"), or a
     * Pathways disposition of the {@code Dx01} family (the ambulance dispositions, e.g. {@code Dx011}, {@code Dx012}).
     */
    public boolean asksForAmbulance() {
        if (arpCategory != null && arpCategory != ArpCategory.C5) {
            return true;
        }
        return dispositionCode != null && dispositionCode.toUpperCase(java.util.Locale.ROOT).startsWith("DX01");
    }

    /** The Pathways disposition code system. */
    public static final String PATHWAYS_DX = "https://fhir.nhs.uk/CodeSystem/pathways-dx-codes";

    /**
     * Reads an answer's codes and words: the first Pathways disposition ({@code Dx} code) as the disposition, the
     * first ARP category (either spelling of the {@code arp-priority-codes} system, as BaRS examples carry both), and
     * every text joined as the summary. Codes of other systems (symptom groups, discriminators, pathways) are context,
     * not the answer.
     *
     * @param codings each as {@code [system, code, display]}
     */
    public static CareOutcome read(java.util.List<String[]> codings, java.util.List<String> texts) {
        String[] disposition = null;
        ArpCategory category = null;
        for (String[] coding : codings) {
            String system = coding[0] == null ? "" : coding[0];
            if (disposition == null && coding[1] != null
                    && (PATHWAYS_DX.equals(system) || system.endsWith("/pathways-dx-codes"))) {
                disposition = coding;
            }
            if (category == null && coding[1] != null && system.contains("arp-priority-code")) {
                category = ArpCategory.fromCode(coding[1].trim().toUpperCase(java.util.Locale.ROOT)).orElse(null);
            }
        }
        String summary = texts.stream().filter(t -> t != null && !t.isBlank())
                .collect(java.util.stream.Collectors.joining("; "));
        return new CareOutcome(disposition == null ? null : disposition[0],
                disposition == null ? null : disposition[1], disposition == null ? null : disposition[2], category,
                summary.isBlank() ? null : summary);
    }

    /** Whether the answer says anything at all. */
    public boolean isEmpty() {
        return dispositionCode == null && arpCategory == null && (summary == null || summary.isBlank());
    }
}
