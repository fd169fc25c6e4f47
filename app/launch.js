// The SMART launch and the timeline request. The SMART project's client (window.FHIR,
// fhirclient's browser bundle) does the launch: an EHR launch (launch + iss: authorization code
// with PKCE S256) or an open FHIR server (fhirServiceUrl + patientId, as the CDS Hooks Sandbox
// opens a card's link). Then POST /app/api/timeline sends the FHIR server, the patient and the
// launch's token to this service, which reads the record and computes the view.
'use strict';

(function () {
  const FOCUS_KEY = 'ln-timeline-focus';
  const TIMELINE_TIMEOUT_MS = 60000;

  const splitList = (value) =>
    value
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : [];

  /** The card's finding the app was opened for: rule code and triggering references. */
  function focusFromUrl(params) {
    const ruleCode = params.get('rule');
    const focus = splitList(params.get('focus'));
    return ruleCode || focus.length > 0 ? { ruleCode: ruleCode || null, focus, from: 'link' } : null;
  }

  /** appContext of the token response (SMART App Launch 2: a string, here JSON from the card's link). */
  function focusFromAppContext(tokenResponse, patientId) {
    let context = tokenResponse && tokenResponse.appContext;
    if (!context) return null;
    if (typeof context === 'string') {
      try {
        context = JSON.parse(context);
      } catch {
        return null;
      }
    }
    if (typeof context !== 'object' || context === null) return null;
    // A context about another patient must not highlight anything in this one.
    if (context.patientId && context.patientId !== patientId) return null;
    const focus = Array.isArray(context.focus)
      ? context.focus.filter((item) => typeof item === 'string')
      : [];
    const ruleCode = typeof context.ruleCode === 'string' ? context.ruleCode : null;
    return ruleCode || focus.length > 0 ? { ruleCode, focus, from: 'appContext' } : null;
  }

  async function fetchJson(url) {
    const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  }

  /** Resolves to a fhirclient Client, or to null while the browser is sent to the authorization server. */
  async function connect() {
    const params = new URLSearchParams(location.search);
    if (params.has('iss') || params.has('launch') || params.has('fhirServiceUrl')) {
      // The authorization redirect drops this page's own parameters: keep the card's focus for the return.
      sessionStorage.setItem(FOCUS_KEY, JSON.stringify(focusFromUrl(params)));
      const config = await fetchJson('/app/config.json');
      await FHIR.oauth2.authorize({
        clientId: config.clientId,
        scope: config.scope,
        redirectUri: `${location.origin}${location.pathname}`,
        pkceMode: 'required',
        // In an EHR's iframe the launch completes in the frame itself.
        completeInTarget: true,
      });
      return null;
    }
    return FHIR.oauth2.ready();
  }

  function savedFocus() {
    try {
      return JSON.parse(sessionStorage.getItem(FOCUS_KEY) || 'null');
    } catch {
      return null;
    }
  }

  function outcomeText(outcome) {
    const issues = (outcome && Array.isArray(outcome.issue) && outcome.issue) || [];
    return issues
      .map((issue) => issue.diagnostics || (issue.details && issue.details.text) || '')
      .filter(Boolean)
      .join(' ');
  }

  async function loadTimeline(client) {
    const token = client.state.tokenResponse || {};
    const body = { fhirServer: client.state.serverUrl, patientId: client.patient.id };
    if (token.access_token) {
      body.fhirAuthorization = {
        access_token: token.access_token,
        token_type: token.token_type || 'Bearer',
        scope: token.scope || client.state.scope || '',
        subject: client.state.clientId || '',
        ...(typeof token.expires_in === 'number' ? { expires_in: token.expires_in } : {}),
      };
    }
    let response;
    try {
      response = await fetch('/app/api/timeline', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        cache: 'no-store',
        signal: AbortSignal.timeout(TIMELINE_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(
        error && error.name === 'TimeoutError'
          ? `The timeline service did not answer within ${TIMELINE_TIMEOUT_MS / 1000} s. Nothing is shown.`
          : `The timeline service could not be reached (${error.message}). Nothing is shown.`,
      );
    }
    if (!response.ok) {
      let detail = '';
      try {
        detail = outcomeText(await response.json());
      } catch {
        // Not an OperationOutcome: the status says enough.
      }
      const what =
        response.status === 412
          ? 'The patient\u2019s record could not be read from the EHR, so nothing is shown.'
          : `The timeline service answered ${response.status}; nothing is shown.`;
      throw new Error(detail ? `${what} ${detail}` : what);
    }
    return response.json();
  }

  /** The EHR's Patient resource, read with the launch's own token, for the banner. */
  function readPatient(client) {
    return Promise.race([
      client.patient.read(),
      new Promise((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), TIMELINE_TIMEOUT_MS)),
    ]);
  }

  window.LnTimeline = Object.assign(window.LnTimeline || {}, {
    launch: { connect, savedFocus, focusFromAppContext, loadTimeline, readPatient },
  });
})();
