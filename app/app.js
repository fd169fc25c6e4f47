// Placeholder: the timeline app's script. It reads /app/config.json, completes the SMART launch
// with fhirclient, and asks POST /app/api/timeline for the patient's view.
'use strict';
