// en.js - the UI's text in English. Keys are grouped by screen; enum
// values (statuses, categories, types) are named by their field.
export default {
  // The frame
  'nav.main': 'Main',
  'nav.skip': 'Skip to the content',
  'nav.dashboard': 'Dashboard',
  'nav.cases': 'Cases',
  'nav.alerts': 'Alerts',
  'nav.search': 'Search',
  'nav.search_placeholder': 'Names, places, ids…',
  'nav.import': 'Import',
  'nav.rules': 'Rules',
  'nav.partners': 'Partners',
  'nav.audit': 'Audit',
  'nav.language': 'Language',
  'nav.sign_out': 'Sign out',

  'login.title': 'Sign in',
  'login.intro': 'Anti-smuggling case system',
  'login.user': 'User',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.wrong': 'Wrong user name or password.',
  'login.expired': 'Your session has ended: sign in again.',

  'partner.title': 'A partner account',
  'partner.body': 'This account is for a partner\u2019s systems: they receive what is shared with them over TAXII 2.1 with an API token. There is nothing to see here.',

  'error.title': 'Something went wrong',
  'error.no_page': 'There is no such page.',
  'error.forbidden': 'Your role may not open this page.',
  'error.not_found': 'No such record.',
  'error.load': 'This page could not be loaded.',
  'error.network': 'The server cannot be reached.',
  'error.http': 'The server answered {status}.',
  'error.conflict': '{user} changed this record while you were editing it.',

  'common.loading': 'Loading…',
  'common.none': 'Nothing here.',
  'common.more': 'More',
  'common.next': 'Next page',
  'common.first': 'First page',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.edit': 'Edit',
  'common.delete': 'Delete',
  'common.reload': 'Reload',
  'common.filter': 'Filter',
  'common.clear': 'Clear',
  'common.any': 'Any',
  'common.from': 'From',
  'common.to': 'To',
  'common.id': 'Id',
  'common.created': 'Created',
  'common.updated': 'Updated',
  'common.by': 'By',
  'common.notes': 'Notes',
  'common.tags': 'Tags',
  'common.tlp': 'TLP',
  'common.saved': 'Saved.',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.close': 'Close',
  'common.print': 'Print',
  'common.list': 'List',
  'common.download': 'Download',
  'common.note': 'Note',
  'common.version': 'Version',
  'common.status': 'Status',
  'common.when': 'When',
  'common.what': 'What',
  'common.user': 'User',
  'common.record': 'Record',
  'common.count': 'Count',

  'kind.case': 'Case',
  'kind.seizure': 'Seizure',
  'kind.entity': 'Entity',
  'kind.route': 'Route',
  'kind.link': 'Link',
  'kind.alert': 'Alert',
  'kind.evidence': 'Evidence',
  'kinds.case': 'Cases',
  'kinds.seizure': 'Seizures',
  'kinds.entity': 'Entities',
  'kinds.route': 'Routes',
  'kinds.link': 'Links',
  'kinds.alert': 'Alerts',
  'kinds.evidence': 'Evidence',

  'role.partner': 'Partner',
  'role.officer': 'Officer',
  'role.analyst': 'Analyst',
  'role.supervisor': 'Supervisor',
  'role.admin': 'Administrator',

  'tlp.clear': 'TLP:CLEAR',
  'tlp.green': 'TLP:GREEN',
  'tlp.amber': 'TLP:AMBER',
  'tlp.amber+strict': 'TLP:AMBER+STRICT',
  'tlp.red': 'TLP:RED',

  'severity.low': 'Low',
  'severity.medium': 'Medium',
  'severity.high': 'High',
  'severity.critical': 'Critical',

  'case_status.open': 'Open',
  'case_status.investigating': 'Investigating',
  'case_status.referred': 'Referred',
  'case_status.prosecuted': 'Prosecuted',
  'case_status.closed': 'Closed',

  'alert_status.new': 'New',
  'alert_status.acknowledged': 'Acknowledged',
  'alert_status.escalated': 'Escalated',
  'alert_status.dismissed': 'Dismissed',
  'alert_status.promoted': 'Promoted',

  'category.narcotics': 'Narcotics',
  'category.precursors': 'Precursors',
  'category.wildlife': 'Wildlife',
  'category.timber': 'Timber',
  'category.tobacco': 'Tobacco',
  'category.alcohol': 'Alcohol',
  'category.counterfeit': 'Counterfeit',
  'category.weapons': 'Weapons',
  'category.currency': 'Currency',
  'category.cultural_property': 'Cultural property',
  'category.ods': 'Ozone-depleting substances',
  'category.waste': 'Waste',
  'category.medicines': 'Medicines',
  'category.other': 'Other',

  'unit.kg': 'kg',
  'unit.g': 'g',
  'unit.t': 't',
  'unit.l': 'l',
  'unit.ml': 'ml',
  'unit.pcs': 'pieces',
  'unit.packs': 'packs',
  'unit.cartons': 'cartons',
  'unit.heads': 'heads',
  'unit.m3': 'm³',

  'location_type.seaport': 'Seaport',
  'location_type.airport': 'Airport',
  'location_type.land_border': 'Land border',
  'location_type.mail_centre': 'Mail centre',
  'location_type.express_hub': 'Express hub',
  'location_type.inland': 'Inland',

  'direction.import': 'Import',
  'direction.export': 'Export',
  'direction.transit': 'Transit',

  'mode.air': 'Air',
  'mode.sea': 'Sea',
  'mode.road': 'Road',
  'mode.rail': 'Rail',
  'mode.post': 'Post',
  'mode.express': 'Express courier',
  'mode.foot': 'On foot',

  'method.in_goods': 'In goods',
  'method.false_compartment': 'False compartment',
  'method.body': 'On or in the body',
  'method.baggage': 'Baggage',
  'method.misdeclared': 'Misdeclared',
  'method.parcel': 'Parcel',
  'method.vehicle': 'Vehicle',
  'method.none': 'Not concealed',
  'method.other': 'Other',

  'detection.x_ray': 'X-ray',
  'detection.canine': 'Detector dog',
  'detection.risk_profile': 'Risk profile',
  'detection.tip_off': 'Tip-off',
  'detection.intelligence': 'Intelligence',
  'detection.random': 'Random check',
  'detection.physical': 'Physical inspection',
  'detection.other': 'Other',

  'entity_type.person': 'Person',
  'entity_type.company': 'Company',
  'entity_type.vessel': 'Vessel',
  'entity_type.vehicle': 'Vehicle',
  'entity_type.aircraft': 'Aircraft',
  'entity_type.container': 'Container',
  'entity_type.parcel': 'Parcel',
  'entity_type.phone': 'Phone',
  'entity_type.account': 'Account',
  'entity_type.address': 'Address',
  'entity_type.document': 'Document',

  'link_type.consignor_of': 'consignor of',
  'link_type.consignee_of': 'consignee of',
  'link_type.owner_of': 'owner of',
  'link_type.director_of': 'director of',
  'link_type.employee_of': 'employee of',
  'link_type.associate_of': 'associate of',
  'link_type.family_of': 'family of',
  'link_type.carrier_of': 'carrier of',
  'link_type.travelled_on': 'travelled on',
  'link_type.registered_to': 'registered to',
  'link_type.used': 'used',
  'link_type.involved_in': 'involved in',
  'link_type.seized_from': 'seized from',
  'link_type.same_as': 'same as',

  'custody.collected': 'Collected',
  'custody.received': 'Received',
  'custody.transferred': 'Transferred',
  'custody.analysed': 'Analysed',
  'custody.returned': 'Returned',
  'custody.destroyed': 'Destroyed',
  'custody.note': 'Note',

  'common.pages': 'Pages',

  // -- dashboard --

  // -- cases --
  'cases.title': 'Cases',
  'cases.new': 'New case',
  'cases.filters': 'Filter the cases',
  'cases.office': 'Office',
  'cases.lead': 'Lead officer',
  'cases.opened_from': 'Opened from',
  'cases.opened_to': 'Opened to',
  'cases.case_title': 'Title',
  'cases.opened_on': 'Opened',
  'cases.empty': 'No case matches these filters.',

  // -- case --

  // -- record --

  // -- forms --

  // -- entity --

  // -- graph --

  // -- search --

  // -- alerts --

  // -- alert --

  // -- rules --

  // -- evidence --

  // -- import --

  // -- partners --

  // -- audit --
};
