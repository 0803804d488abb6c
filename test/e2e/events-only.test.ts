import { singleSignalSuite } from './single-signal'

singleSignalSuite('events only', { events: 'events.csv' }, 'events', ['session', 'pin2vec'])
