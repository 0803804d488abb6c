import { singleSignalSuite } from './single-signal'

singleSignalSuite('boards only', { boards: 'boards.csv' }, 'boards', ['cooc'])
