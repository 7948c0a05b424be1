/**
 * Every English text of the console. A translation is another file of the same shape
 * (`Messages`), chosen in messages.ts; components never hold text of their own.
 */
export const en = {
  locale: 'en-GB',
  appName: 'Call center CRM',

  errors: {
    network: 'No connection to the server. Check the network and try again.',
    unexpected: 'Something went wrong. Try again.',
    notFound: 'This page does not exist.',
  },

  login: {
    title: 'Sign in',
    email: 'Email',
    password: 'Password',
    submit: 'Sign in',
    submitting: 'Signing in…',
    badCredentials: 'The email or password is wrong.',
    rateLimited: 'Too many attempts. Wait a minute and try again.',
    missingFields: 'Enter your email and password.',
  },

  nav: {
    label: 'Main',
    desk: 'Calls',
    customers: 'Customers',
    logout: 'Log out',
    signedInAs: (name: string, role: string) => `${name} (${role})`,
  },

  roles: { operator: 'operator', supervisor: 'supervisor', admin: 'admin' },

  presence: {
    label: 'My status',
    available: 'Available',
    away: 'Away',
    offline: 'Offline',
    ringing: 'Ringing',
    on_call: 'On a call',
    wrap_up: 'Wrap-up',
    wrapUpHint: 'Record the outcome to take new calls.',
    changeFailed: 'The status was not changed.',
  },

  notices: {
    dismiss: 'Dismiss',
  },

  connection: {
    lost: 'Connection lost. Reconnecting… Your edits are kept and will be saved.',
    back: 'Connected again.',
    sessionEnded: 'Your session has ended. Please sign in again.',
  },

  desk: {
    title: 'Calls',
    waiting: 'Waiting for calls',
    waitingHint: 'A card opens here as soon as a call rings for you.',
    notAvailable: 'You are not available, so no calls are sent to you.',
    goAvailable: 'Go available',
    otherCards: 'Team calls',
    openCard: 'Open',
  },

  card: {
    label: 'Call card',
    newCaller: 'New caller',
    unknownNumber: 'Hidden number',
    company: 'Company',
    noCompany: 'No company',
    rating: 'Client',
    ratings: { good: 'Good client', bad: 'Bad client', unknown: 'Not rated' },
    direction: { inbound: 'Incoming call', outbound: 'Outgoing call' },
    states: {
      offered: 'Incoming',
      queued: 'In queue',
      ringing: 'Ringing',
      answered: 'Talking',
      ended: 'Ended',
    },
    lastCalls: 'Last calls',
    noCalls: 'No earlier calls.',
    openLeads: 'Open leads',
    noLeads: 'No open leads.',
    openCallbacks: 'Open callbacks',
    noCallbacks: 'No open callbacks.',
    phones: 'Numbers',
    createCustomer: 'Save as a new customer',
    noCustomer: 'This number belongs to no customer yet.',
  },

  controls: {
    label: 'Call controls',
    answer: 'Answer',
    hangUp: 'Hang up',
    outcome: 'Record outcome',
    dial: (number: string) => `Call ${number}`,
    dialShort: 'Call',
    dialing: (number: string) => `Calling ${number}…`,
    failed: 'The telephony did not accept the command.',
  },

  fields: {
    legend: 'Customer',
    name: 'Name',
    company: 'Company',
    city: 'City',
    lineOfBusiness: 'Line of business',
    rating: 'Good or bad client',
    hotness: 'How hot is the lead',
    hotnessValue: (value: number) =>
      `${value <= 30 ? 'Cold' : value >= 70 ? 'Hot' : 'Warm'} (${value})`,
    customFields: 'Own fields',
    customFieldName: 'Field name',
    customFieldValue: (name: string) => `Value of ${name}`,
    addCustomField: 'Add field',
    removeCustomField: (name: string) => `Remove ${name}`,
    noCustomFields: 'No own fields yet.',
    yes: 'yes',
    no: 'no',
  },

  save: {
    idle: '',
    pending: 'Editing…',
    saving: 'Saving…',
    saved: 'All changes saved',
    failed: (retryInSeconds: number) => `Not saved. Retrying in ${retryInSeconds} s…`,
    rejected: (message: string) => `Not saved: ${message}`,
    retryNow: 'Retry now',
  },

  notes: {
    label: 'Note',
    placeholder: 'What did the customer say?',
    add: 'Add note',
    shortcut: 'Ctrl+Enter',
    adding: 'Adding…',
    added: 'Note added',
    failed: 'The note was not added. It is kept here; try again.',
  },

  outcome: {
    title: 'How did the call end?',
    explanation: 'Every call needs an outcome. You get no new calls until it is recorded.',
    callWith: (who: string) => `Call with ${who}`,
    choice: 'Outcome',
    choiceRequired: 'Choose how the call ended.',
    result: 'Result',
    resultHint: 'The question was settled, an order or agreement was made.',
    refusal: 'Refusal',
    refusalHint: 'The customer declined.',
    postponed: 'Postponed',
    postponedHint: 'Call back at an agreed time.',
    reason: 'Reason for refusal',
    reasonRequired: 'Give the reason for the refusal.',
    callbackAt: 'Call back on',
    callbackRequired: 'Choose when to call back.',
    callbackInPast: 'The callback time must be in the future.',
    note: 'Note (optional)',
    submit: 'Save outcome',
    submitting: 'Saving…',
    saved: 'Outcome saved',
  },

  work: {
    title: 'My work',
    callbacks: "Today's callbacks",
    noCallbacks: 'No callbacks for today.',
    laterCallbacks: 'Coming callbacks',
    overdue: 'Overdue',
    due: (time: string) => `Due ${time}`,
    done: 'Done',
    markDone: (name: string) => `Mark the callback to ${name} as done`,
    reasons: { missed_call: 'Missed call', postponed: 'Postponed', manual: 'Callback' },
    callbackDue: (name: string) => `Callback to ${name} is due now`,
    missed: 'Missed calls of the team',
    noMissed: 'No missed calls.',
    recent: 'My recent calls',
    noRecent: 'No calls yet.',
    loadFailed: 'This list could not be loaded.',
  },

  outcomes: {
    result: 'Result',
    refusal: 'Refusal',
    postponed: 'Postponed',
    none: 'No outcome',
    missed: 'Missed',
  },

  customers: {
    title: 'Customers',
    search: 'Search customers',
    searchPlaceholder: 'Name, company or any form of a number',
    searching: 'Searching…',
    found: (total: number) => (total === 1 ? '1 customer' : `${total} customers`),
    nothingFound: 'No customer matches.',
    newCustomer: 'New customer',
    columns: {
      name: 'Name',
      company: 'Company',
      city: 'City',
      phones: 'Numbers',
      rating: 'Client',
    },
    unnamed: 'Unnamed customer',
    more: 'Show more',
  },

  newCustomer: {
    title: 'New customer',
    phones: 'Phone numbers',
    phonesHint: 'One number per line, in any form: 8 (912) 345-67-89, +7 912 345 67 89…',
    submit: 'Create customer',
    submitting: 'Creating…',
    cancel: 'Cancel',
    nameRequired: 'Give the customer a name or a phone number.',
  },

  customer: {
    back: 'Back to customers',
    timeline: 'History',
    emptyTimeline: 'Nothing has happened with this customer yet.',
    kinds: { call: 'Call', lead: 'Lead', callback: 'Callback', note: 'Note' },
    callLine: (direction: string, operator: string | null) =>
      operator ? `${direction}, ${operator}` : direction,
    leadLine: (status: string, hotness: number) => `${status}, hotness ${hotness}`,
    callbackLine: (reason: string, done: boolean) => (done ? `${reason}, done` : reason),
    notFound: 'This customer does not exist or you have no access to it.',
  },

  shortcuts: {
    label: 'Keyboard shortcuts',
    answer: 'A',
    hangUp: 'H',
    outcome: 'O',
    search: '/',
    hint: 'A answer · H hang up · O outcome · / search · Alt+key inside a field',
  },

  phoneKinds: {
    mobile: 'mobile',
    landline: 'landline',
    work: 'work',
    home: 'home',
    fax: 'fax',
    other: 'other',
  } as Record<string, string>,

  leadStatuses: {
    new: 'New',
    in_progress: 'In progress',
    won: 'Won',
    lost: 'Lost',
    postponed: 'Postponed',
  } as Record<string, string>,

  leadSources: {
    call: 'Call',
    missed_call: 'Missed call',
    web_form: 'Web form',
    cold_list: 'Cold list',
    manual: 'Added by hand',
  } as Record<string, string>,

  phone: {
    withExtension: (number: string, extension: string) => `${number} ext. ${extension}`,
  },
};

export type Messages = typeof en;
