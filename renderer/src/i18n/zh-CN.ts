import type { ErrorCode } from '@common/contract';

const errors: Record<ErrorCode, string> = {
  bad_request: '请求格式有误，请重试。',
  unknown_command: '工作台版本不一致，请重新启动。',
  invalid_input: '输入的内容不符合要求。',
  forbidden: '无权执行此操作。',
  not_signed_in: '请先登录。',
  invalid_credentials: '用户名或密码错误。',
  session_expired: '登录已过期，请重新登录。',
  platform_unreachable: '无法连接考试平台，请检查网络。',
  platform_error: '考试平台返回错误，请稍后重试。',
  platform_not_configured: '尚未配置考试平台地址。',
  host_unreachable: '与工作台后台的连接已断开，请重新打开启动时给出的地址。',
  not_found: '找不到该项目，或尚未从平台下载。',
  invalid_sheet: '分数超出评分标准（超过满分、不符合步长或评分项不存在）。',
  incomplete_sheet: '评分表未填写完整：请填写所有必填评分项；标记违纪时须填写说明。',
  sheet_read_only: '评分表已提交，不能修改。',
  queue_changed: '该考生的候考状态已变化，请刷新后再操作。',
  storage_error: '本机数据库出错，请联系技术支持。',
  internal: '工作台内部错误，请联系技术支持。',
};

export const zhCN = {
  app: {
    title: '评委工作台',
    subtitle: '艺术类专业线上考试 · 评委与阅卷',
    demo: '演示平台',
  },
  login: {
    title: '登录',
    username: '用户名',
    password: '密码',
    submit: '登录',
    usernameRequired: '请输入用户名',
    passwordRequired: '请输入密码',
    demoHint: '演示账号：examiner1，密码：demo1234',
  },
  health: {
    online: '平台已连接',
    offline: '平台离线',
    unknown: '正在连接平台…',
    unconfigured: '未配置考试平台',
    latency: '延迟 {{ms}} 毫秒',
    lastOnline: '上次连接：{{time}}',
    never: '尚未连接',
    checkNow: '立即检测',
  },
  shell: {
    signedInAs: '当前评委：{{name}}',
    logout: '退出登录',
    language: '语言',
    welcome: '欢迎，{{name}}',
    roles: '角色',
    platform: '考试平台',
    version: '版本',
    host: '运行方式',
    hostElectron: '桌面应用',
    hostBrowser: '浏览器',
    sessionExpires: '登录有效期至',
  },
  roles: {
    examiner: '评委',
    grader: '阅卷人',
    chief: '主考',
  },
  language: {
    'zh-CN': '简体中文',
    en: 'English',
  },
  errors,
};

export type Messages = typeof zhCN;
