package org.rightcare.hub.incidents;

import org.rightcare.hub.referral.Incident;

/**
 * An incident to replay through routing, with how likely an ambulance would have conveyed the patient to hospital
 * had no community service taken them: 0 or 1 for an imported CAD record whose outcome is known, the category's
 * share for a generated one. An accepted referral counts as that much of a conveyance avoided.
 */
public record ReplayableIncident(Incident incident, double conveyanceLikelihood) {
}
