package org.rightcare.hub.routing;

import java.util.ArrayList;
import java.util.List;

import org.rightcare.hub.referral.Incident;

/**
 * The coded picture of an incident as routing rules see it: the presenting complaint and the triage codes, each
 * with its code system, so a rule can name a SNOMED concept, a Pathways symptom group or an AMPDS determinant.
 */
public final class IncidentCodes {

    public static final String PATHWAYS_SG = "https://fhir.nhs.uk/CodeSystem/pathways-sg-codes";
    public static final String PATHWAYS_SD = "https://fhir.nhs.uk/CodeSystem/pathways-sd-codes";
    public static final String PATHWAYS_DX = "https://fhir.nhs.uk/CodeSystem/pathways-dx-codes";
    public static final String AMPDS = "https://fhir.nhs.uk/CodeSystem/ampds-dispatch-codes";

    private IncidentCodes() {
    }

    public static List<RoutingRule.Code> of(Incident incident) {
        List<RoutingRule.Code> codes = new ArrayList<>(5);
        Incident.Coding complaint = incident.presentingComplaint();
        if (complaint != null) {
            codes.add(new RoutingRule.Code(complaint.system(), complaint.code()));
        }
        Incident.Triage triage = incident.triage();
        if (triage != null) {
            add(codes, PATHWAYS_SG, triage.symptomGroup());
            add(codes, PATHWAYS_SD, triage.symptomDiscriminator());
            add(codes, PATHWAYS_DX, triage.dispositionCode());
            add(codes, AMPDS, triage.ampdsDeterminant());
        }
        return codes;
    }

    private static void add(List<RoutingRule.Code> codes, String system, String code) {
        if (code != null) {
            codes.add(new RoutingRule.Code(system, code));
        }
    }
}
